using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Engine.Service.Tests.Infrastructure;

namespace Engine.Service.Tests.Farm;

/// <summary>What is refused before anything is queued: bad manifests, bad tokens, forbidden plugins.</summary>
[Collection("farm")]
public sealed class FarmAdmissionTests(Infrastructure.Farm farm)
{
    private const string BadManifest = """{"stages": [{"name": "org.osbuild.nope"}], "assembler": {"name": "org.osbuild.tar", "options": {"bad": 1}}}""";

    [Fact]
    public async Task BadManifest_Refused400WithTheCliMessages_NothingQueued()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        (int jobs, int builds) before = await CountsAsync();

        using HttpResponseMessage response = await farm.Client.SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {BadManifest}}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("invalid_manifest", body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("fix").GetString()));
        string[] details = [.. body.GetProperty("details").EnumerateArray().Select(d => d.GetString()!)];
        Assert.Equal(CheckWithCli(BadManifest), details);
        Assert.Contains(details, d => d.Contains("$.stages[0].name: no stage named 'org.osbuild.nope'", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task RequestNotJson_Refused400SayingWhere()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        (int jobs, int builds) before = await CountsAsync();

        using HttpResponseMessage response = await farm.Client.SendAsync(HttpMethod.Post, "/api/v1/builds", "{\"manifest\": {\"stages\": [}, \"queue\": 3}");
        using HttpResponseMessage queue = await farm.Client.SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {Manifests.Trivial("q")}, \"queue\": \"X86 64\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("invalid_json", text, StringComparison.Ordinal);
        Assert.Contains("$.manifest", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, queue.StatusCode);
        Assert.Contains("\\u0022X86 64\\u0022 is not a queue name", await queue.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token-of-this-service")]
    public async Task MissingOrWrongToken_Refused401_NothingQueued(string? token)
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        (int jobs, int builds) before = await CountsAsync();

        using HttpResponseMessage submit = await farm.Anonymous.SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {Manifests.Trivial("t")}}}", bearer: token);
        using HttpResponseMessage list = await farm.Anonymous.SendAsync(HttpMethod.Get, "/api/v1/builds", bearer: token);
        using HttpResponseMessage worker = await farm.Anonymous.SendAsync(HttpMethod.Post, $"/api/worker/v1/builds/{Guid.NewGuid()}/attempts", "{\"worker\": \"x\"}", bearer: token);

        foreach (HttpResponseMessage response in new[] { submit, list, worker })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal(token is null ? "missing_token" : "invalid_token", body.GetProperty("code").GetString());
        }

        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task WorkerToken_OnClientEndpoint_Refused403_AndClientTokenOnWorkerEndpoint()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        (int jobs, int builds) before = await CountsAsync();

        using HttpResponseMessage submit = await farm.Anonymous.SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {Manifests.Trivial("w")}}}", bearer: Infrastructure.Farm.WorkerToken);
        using HttpResponseMessage attempt = await farm.Client.SendAsync(HttpMethod.Post, $"/api/worker/v1/builds/{Guid.NewGuid()}/attempts", "{\"worker\": \"x\"}");

        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Contains("wrong_token_kind", await submit.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, attempt.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PluginOutsideAllowList_Refused403NamingIt_NothingQueued()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        (int jobs, int builds) before = await CountsAsync();
        const string script = """{"stages": [{"name": "org.osbuild.noop"}, {"name": "org.osbuild.script", "options": {"script": "#!/bin/sh\necho root"}}]}""";

        using HttpResponseMessage refused = await farm.Restricted.SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {script}}}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        JsonElement body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("plugin_not_allowed", body.GetProperty("code").GetString());
        Assert.Equal(["org.osbuild.script: not allowed for client \"restricted\""], body.GetProperty("details").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(before, await CountsAsync());

        // The same client may build what its list allows.
        string id = await farm.Restricted.SubmitAsync(Manifests.Trivial($"allowed-{Guid.NewGuid():N}"));
        Assert.Equal("succeeded", ServiceClient.State(await farm.Restricted.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs)));
    }

    [Fact]
    public async Task Dashboard_ReadOnlyBehindTheSameTokens()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        using HttpResponseMessage anonymous = await farm.Anonymous.SendAsync(HttpMethod.Get, "/hangfire");
        using HttpResponseMessage basic = await farm.Anonymous.SendAsync(HttpMethod.Get, "/hangfire", authorization: Basic(Infrastructure.Farm.ClientToken));
        using HttpResponseMessage wrong = await farm.Anonymous.SendAsync(HttpMethod.Get, "/hangfire", authorization: Basic("nope"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        Assert.Contains("osbuild-service", await basic.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_NeverInQueueStorageDashboardLogsOrStatus()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string secret = $"SECRET-{Guid.NewGuid():N}";
        int firstJob = farm.Database.JobCount();

        string id = await farm.Client.SubmitAsync(Manifests.Trivial($"secrets-{Guid.NewGuid():N}"), $"\"secrets\": {{\"org.osbuild.files\": {{\"password\": \"{secret}\"}}}}");
        JsonElement final = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);
        Assert.Equal("succeeded", ServiceClient.State(final));

        // The secret was kept by the API for the worker (it would have failed the check below if it
        // were never written), and is gone once the build ended.
        Assert.False(File.Exists(Path.Combine(farm.ApiData, "builds", id, "secrets.json")));
        string dump = farm.Database.Dump();
        Assert.Contains(id, dump, StringComparison.Ordinal); // the job is there, with the build id as its argument
        Assert.DoesNotContain(secret, dump, StringComparison.Ordinal);
        string jobId = farm.Database.Sql("hangfire", $"SELECT id FROM hangfire.job WHERE arguments::text LIKE '%{id}%'");
        using HttpResponseMessage page = await farm.Anonymous.SendAsync(HttpMethod.Get, $"/hangfire/jobs/details/{jobId}", authorization: Basic(Infrastructure.Farm.ClientToken));
        string html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains(id, html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        using HttpResponseMessage log = await farm.Client.SendAsync(HttpMethod.Get, $"/api/v1/builds/{id}/log");
        Assert.DoesNotContain(secret, await log.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, final.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, farm.Logs(), StringComparison.Ordinal);
        Assert.True(farm.Database.JobCount() > firstJob);
    }

    private async Task<(int Jobs, int Builds)> CountsAsync()
    {
        using HttpResponseMessage response = await farm.Client.SendAsync(HttpMethod.Get, "/api/v1/builds");
        return (farm.Database.JobCount(), JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetArrayLength());
    }

    private static AuthenticationHeaderValue Basic(string token)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"browser:{token}")));

    /// <summary>What `osbuild --check - &lt; manifest` prints on stderr with the service's plugins.</summary>
    private static string[] CheckWithCli(string manifest)
    {
        var start = new ProcessStartInfo(Machine.Osbuild) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { "--check", "--plugin-path", Machine.Plugins, "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Write(manifest);
        process.StandardInput.Close();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        return stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
