using System.Text.Json;
using Engine.Service.Tests.Infrastructure;

namespace Engine.Service.Tests.Farm;

/// <summary>What happens when a worker dies, a build is cancelled, a build fails, or the API restarts.</summary>
[Collection("farm")]
public sealed class FarmFailureTests(Infrastructure.Farm farm)
{
    [Fact]
    public async Task Worker_KilledMidBuild_BuildCompletesOnOtherWorkerOnceWithNoPartialArtifact()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Sleeping(12, $"kill-{Guid.NewGuid():N}"));
        JsonElement running = await WaitForStageAsync(id, "org.test.sleep");
        string victim = running.GetProperty("worker").GetString()!;
        string survivor = Infrastructure.Farm.WorkerNames.Single(n => n != victim);

        // When: the worker running the build is killed with SIGKILL, mid-stage.
        farm.Worker(victim).Kill();
        Assert.True(farm.Worker(victim).WaitForExit(TimeSpan.FromSeconds(10)));
        try
        {
            // Its osbuild does not outlive it: it gets SIGTERM (parent-death signal) and stops long
            // before its 12 s stage would have ended, leaving no mount.
            await WaitUntilAsync(() => Machine.ProcessesMentioning(farm.StoreOf(victim)).Count == 0, TimeSpan.FromSeconds(6),
                () => string.Join("\n", Machine.ProcessesMentioning(farm.StoreOf(victim))));
            Assert.Empty(Machine.MountsBelow(farm.StoreOf(victim)));

            // Then: the other worker runs it again and it succeeds, decided once.
            JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);
            Assert.True(ServiceClient.State(final) == "succeeded", $"{final}\n{farm.Logs()}");
            Assert.Equal(survivor, final.GetProperty("worker").GetString());
            JsonElement[] attempts = [.. final.GetProperty("attempts").EnumerateArray()];
            Assert.Equal(2, attempts.Length);
            Assert.Equal((victim, "abandoned"), (attempts[0].GetProperty("worker").GetString(), attempts[0].GetProperty("outcome").GetString()));
            Assert.Equal((survivor, "succeeded"), (attempts[1].GetProperty("worker").GetString(), attempts[1].GetProperty("outcome").GetString()));

            // One artifact, whole; no upload of any attempt is left on the API's disk.
            JsonElement artifact = Assert.Single(final.GetProperty("artifacts").EnumerateArray());
            (_, string sha256, _, _) = await farm.Client.DownloadAsync(artifact.GetProperty("href").GetString()!);
            Assert.Equal(artifact.GetProperty("sha256").GetString(), sha256);
            string buildDir = Path.Combine(farm.ApiData, "builds", id);
            Assert.Equal(["slept.tar"], Directory.EnumerateFiles(Path.Combine(buildDir, "artifacts"), "*", SearchOption.AllDirectories).Select(Path.GetFileName));
            Assert.False(Directory.Exists(Path.Combine(buildDir, "attempts")), "attempt uploads were left behind");
        }
        finally
        {
            await farm.StartWorkerAsync(victim);
        }
    }

    [Fact]
    public async Task RunningBuild_Cancelled_CancelledWith143AndNoProcessOrMountLeft()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Sleeping(120, $"cancel-{Guid.NewGuid():N}"));
        JsonElement running = await WaitForStageAsync(id, "org.test.sleep");
        string store = farm.StoreOf(running.GetProperty("worker").GetString()!);
        Assert.NotEmpty(Machine.ProcessesMentioning(store)); // the build really runs: the checks below can fail

        // When: a client cancels it.
        using HttpResponseMessage response = await farm.Client.SendAsync(HttpMethod.Post, $"/api/v1/builds/{id}/cancel");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        // Then: osbuild was stopped with SIGTERM (exit 143) and left nothing behind.
        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromSeconds(60), farm.Logs);
        Assert.True(ServiceClient.State(final) == "cancelled", $"{final}\n{farm.Logs()}");
        Assert.Equal(143, final.GetProperty("exit_code").GetInt32());
        Assert.Equal("stopped", final.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        Machine.AssertNoProcessMentioning(store);
        Assert.Empty(Machine.MountsBelow(store));
        Assert.Empty(Machine.MountsBelow("/run/osbuild"));
        Assert.Empty(final.GetProperty("artifacts").EnumerateArray());

        // Cancelling again is refused, saying why.
        using HttpResponseMessage again = await farm.Client.SendAsync(HttpMethod.Post, $"/api/v1/builds/{id}/cancel");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already cancelled", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_CancelledAsItsWorkerStartsIt_CancelledNotBuilt()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Sleeping(30, $"early-cancel-{Guid.NewGuid():N}"));
        await farm.Client.WaitAsync(id, s => ServiceClient.State(s) == "running", TimeSpan.FromMinutes(1), farm.Logs);

        // When: the cancellation arrives while osbuild is being started (osbuild loses a SIGTERM in
        // its first milliseconds; the worker repeats it).
        using HttpResponseMessage response = await farm.Client.SendAsync(HttpMethod.Post, $"/api/v1/builds/{id}/cancel");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        // Then: cancelled long before the 30 s stage could have ended.
        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromSeconds(20), farm.Logs);
        Assert.True(ServiceClient.State(final) == "cancelled", $"{final}\n{farm.Logs()}");
        Assert.Empty(final.GetProperty("artifacts").EnumerateArray());
    }

    [Fact]
    public async Task FailingStage_BuildFailedWithStageOutput_NotRetried()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Failing($"fail-{Guid.NewGuid():N}"));

        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);

        Assert.True(ServiceClient.State(final) == "failed", $"{final}\n{farm.Logs()}");
        Assert.Equal(1, final.GetProperty("exit_code").GetInt32());
        Assert.Equal(1, final.GetProperty("attempts").GetArrayLength());
        string error = final.GetProperty("error").GetString()!;
        Assert.Contains("stage org.osbuild.error failed", error, StringComparison.Ordinal);
        Assert.Contains("Error stage will now return error: 3", error, StringComparison.Ordinal);
        Assert.False(final.GetProperty("result").GetProperty("success").GetBoolean());
        using HttpResponseMessage log = await farm.Client.SendAsync(HttpMethod.Get, $"/api/v1/builds/{id}/log");
        Assert.Contains("Error stage will now return error: 3", await log.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("true", log.Headers.GetValues("X-Log-Complete").Single());
    }

    [Fact]
    public async Task FailingStage_WithRetries_RunsAgainAsAsked()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Failing($"retry-{Guid.NewGuid():N}"), "\"retries\": 1");

        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);

        Assert.Equal("failed", ServiceClient.State(final));
        Assert.Equal(["failed", "failed"], final.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Api_RestartedMidBuild_BuildCompletesWithWholeLogAndArtifact()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Sleeping(5, $"restart-{Guid.NewGuid():N}"));
        await WaitForStageAsync(id, "org.test.sleep");

        // When: the API is killed while the build runs, and comes back a few seconds later.
        farm.Api.Kill();
        Assert.True(farm.Api.WaitForExit(TimeSpan.FromSeconds(10)));
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await farm.StartApiAsync();

        // Then: the worker's reports waited for it; nothing is lost.
        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);
        Assert.True(ServiceClient.State(final) == "succeeded", $"{final}\n{farm.Logs()}");
        Assert.Equal(1, final.GetProperty("attempts").GetArrayLength());
        using HttpResponseMessage log = await farm.Client.SendAsync(HttpMethod.Get, $"/api/v1/builds/{id}/log");
        string text = await log.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("stage org.test.sleep started", text, StringComparison.Ordinal);
        Assert.Contains("org.test.sleep succeeded", text, StringComparison.Ordinal);
        Assert.Contains("done sleeping", text, StringComparison.Ordinal);
        Assert.Single(final.GetProperty("artifacts").EnumerateArray());
    }

    private async Task<JsonElement> WaitForStageAsync(string id, string stage)
        => await farm.Client.WaitAsync(
            id,
            s => ServiceClient.State(s) == "running"
                && s.TryGetProperty("progress", out JsonElement p) && p.TryGetProperty("stage", out JsonElement current)
                && current.GetProperty("name").GetString() == stage,
            TimeSpan.FromMinutes(1),
            farm.Logs);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"still true after {timeout.TotalSeconds} s:\n{describe()}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
