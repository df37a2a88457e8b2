using System.Globalization;
using System.Text.Json;
using Engine.Service.Tests.Infrastructure;
using Engine.Tests.Shared;

namespace Engine.Service.Tests.Embedded;

/// <summary>One machine, one command: osbuild-service alone, no PostgreSQL.</summary>
public sealed class EmbeddedServiceTests
{
    [Fact]
    public async Task OneCommand_NoopSample_BuildsEndToEnd()
    {
        Assert.SkipWhen(Machine.MissingForBuilds() is not null, Machine.MissingForBuilds() ?? "");
        using var scratch = new Scratch("embedded");
        int port = Machine.FreePort();

        // The one command: everything else is defaults (tokens made on first start, store in DATA).
        using var service = new ServiceProcess("osbuild-service", ["--data", scratch.Sub("data"), "--listen", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--osbuild", Machine.Osbuild]);
        await service.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
        string token = (await File.ReadAllTextAsync(scratch.Sub("data", "client-token"), TestContext.Current.CancellationToken)).Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(scratch.Sub("data", "client-token")));
        using var client = new ServiceClient(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), token);

        string id = await client.SubmitAsync(await File.ReadAllTextAsync(RepositoryData.Osbuild("samples", "noop.json"), TestContext.Current.CancellationToken));
        JsonElement final = await client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), () => service.Output);

        Assert.True(ServiceClient.State(final) == "succeeded", $"{final}\n{service.Output}");
        Assert.True(final.GetProperty("result").GetProperty("success").GetBoolean());
        Assert.Equal(Environment.MachineName, final.GetProperty("worker").GetString());
        Assert.True(Directory.Exists(scratch.Sub("data", "store", "refs")), "the build did not use the store under --data");
        using HttpResponseMessage status = await client.SendAsync(HttpMethod.Get, "/api/v1/status");
        Assert.Contains("\"storage\":\"in-memory\"", await status.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using HttpResponseMessage openapi = await client.SendAsync(HttpMethod.Get, "/api/v1/openapi.json");
        string document = await openapi.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("/api/v1/builds/{id}/artifacts/{name}", document, StringComparison.Ordinal);
        Assert.Contains("\"bearer\"", document, StringComparison.Ordinal);

        service.Terminate();
        Assert.True(service.WaitForExit(TimeSpan.FromSeconds(60)), service.Output);
    }

    [Fact]
    public async Task Restart_BuildsNotFinished_AreQueuedAgain()
    {
        Assert.SkipWhen(Machine.MissingForBuilds() is not null, Machine.MissingForBuilds() ?? "");
        using var scratch = new Scratch("embedded-restart");
        int port = Machine.FreePort();
        string[] arguments = ["--data", scratch.Sub("data"), "--listen", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--osbuild", Machine.Osbuild, "--plugin-path", Machine.Plugins];
        // using: a failure before the planned kill below must not leave this service running.
        using var first = new ServiceProcess("first", arguments);
        await first.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
        string token = (await File.ReadAllTextAsync(scratch.Sub("data", "client-token"), TestContext.Current.CancellationToken)).Trim();
        using var client = new ServiceClient(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), token);
        string id = await client.SubmitAsync(Manifests.Sleeping(60, $"restart-{Guid.NewGuid():N}"));
        // Wait for the stage itself: a parent-death SIGTERM in osbuild's first milliseconds is lost
        // by osbuild (it then builds to the end), which is not what this test is about.
        await client.WaitAsync(
            id,
            s => ServiceClient.State(s) == "running" && s.TryGetProperty("progress", out JsonElement p) && p.TryGetProperty("stage", out JsonElement stage) && stage.GetProperty("name").GetString() == "org.test.sleep",
            TimeSpan.FromMinutes(1),
            () => first.Output);

        // When: the whole service is killed (the queue in memory is lost) and started again.
        first.Kill();
        first.WaitForExit(TimeSpan.FromSeconds(10));
        first.Dispose();
        DateTime deadline = DateTime.UtcNow.AddSeconds(15);
        while (Machine.ProcessesMentioning(scratch.Sub("data", "store")).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        // The killed service's osbuild stopped with it (parent-death signal), not after its 60 s stage.
        Machine.AssertNoProcessMentioning(scratch.Sub("data", "store"));
        using var second = new ServiceProcess("second", arguments);
        await second.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));

        // Then: the build runs again from its record and can be cancelled as usual.
        JsonElement again = await client.WaitAsync(id, s => ServiceClient.State(s) == "running" && s.GetProperty("attempts").GetArrayLength() == 2, TimeSpan.FromMinutes(1), () => second.Output);
        Assert.Equal("abandoned", again.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        using HttpResponseMessage cancel = await client.SendAsync(HttpMethod.Post, $"/api/v1/builds/{id}/cancel");
        JsonElement final = await client.WaitFinalAsync(id, TimeSpan.FromMinutes(1), () => second.Output);
        Assert.Equal("cancelled", ServiceClient.State(final));
        Machine.AssertNoProcessMentioning(scratch.Sub("data", "store"));
    }
}
