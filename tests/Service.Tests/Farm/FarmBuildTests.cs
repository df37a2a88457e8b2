using System.Text.Json;
using Engine.Service.Tests.Infrastructure;

namespace Engine.Service.Tests.Farm;

/// <summary>Many builds through one API and two workers sharing a PostgreSQL queue.</summary>
[Collection("farm")]
public sealed class FarmBuildTests(Infrastructure.Farm farm)
{
    [Fact]
    public async Task TwentyBuilds_SubmittedAtOnce_AllSucceedExactlyOnceOnBothWorkersWithCorrectChecksums()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string run = Guid.NewGuid().ToString("N")[..8];
        int jobsBefore = farm.Database.JobCount();

        // When: 20 distinct builds are submitted at the same time.
        string[] ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => farm.Client.SubmitAsync(Manifests.Trivial($"{run}-{i}"))));
        JsonElement[] finals = await Task.WhenAll(ids.Select(id => farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(3), farm.Logs)));

        // Then: each succeeded in one attempt, on one of the two workers, and both workers took some.
        Assert.Equal(20, ids.Distinct().Count());
        foreach (JsonElement status in finals)
        {
            Assert.True(ServiceClient.State(status) == "succeeded", $"{status}\n{farm.Logs()}");
            Assert.Equal(1, status.GetProperty("attempts").GetArrayLength());
            Assert.True(status.GetProperty("result").GetProperty("success").GetBoolean());
        }

        string[] workers = [.. finals.Select(s => s.GetProperty("worker").GetString()!)];
        Assert.Subset(new HashSet<string>(Infrastructure.Farm.WorkerNames), new HashSet<string>(workers));
        Assert.True(workers.Distinct().Count() == 2, $"all 20 builds ran on {string.Join(",", workers.Distinct())}");

        // One job per build in Hangfire: nothing ran twice, nothing was queued again.
        Assert.Equal(jobsBefore + 20, farm.Database.JobCount());
        foreach (string name in Infrastructure.Farm.WorkerNames)
        {
            string output = farm.Worker(name).Output;
            Assert.All(ids, id => Assert.True(System.Text.RegularExpressions.Regex.Count(output, $"build {id} attempt") <= 1));
        }

        // Every artifact downloads whole, with the checksum the API lists and sends.
        foreach (JsonElement status in finals)
        {
            JsonElement artifact = Assert.Single(status.GetProperty("artifacts").EnumerateArray());
            Assert.Equal("out.tar", artifact.GetProperty("name").GetString());
            (byte[] bytes, string sha256, string? header, long? length) = await farm.Client.DownloadAsync(artifact.GetProperty("href").GetString()!);
            Assert.Equal(artifact.GetProperty("sha256").GetString(), sha256);
            Assert.Equal(sha256, header);
            Assert.Equal(artifact.GetProperty("size").GetInt64(), bytes.Length);
            Assert.Equal(bytes.Length, length);
        }
    }

    [Fact]
    public async Task Artifact_RangeRequest_PartialContentWithWholeFileChecksum()
    {
        Assert.SkipWhen(farm.Unavailable is not null, farm.Unavailable ?? "");
        string id = await farm.Client.SubmitAsync(Manifests.Trivial($"range-{Guid.NewGuid():N}"));
        JsonElement status = await farm.Client.WaitFinalAsync(id, TimeSpan.FromMinutes(2), farm.Logs);
        string href = status.GetProperty("artifacts")[0].GetProperty("href").GetString()!;
        (byte[] whole, string sha256, _, _) = await farm.Client.DownloadAsync(href);

        using var request = new HttpRequestMessage(HttpMethod.Get, href);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 1123);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Infrastructure.Farm.ClientToken);
        using var http = new HttpClient { BaseAddress = farm.Client.BaseAddress };
        using HttpResponseMessage response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1024, response.Content.Headers.ContentLength);
        Assert.Equal(whole[100..1124], await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(sha256, response.Headers.GetValues("X-Checksum-Sha256").Single());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(Convert.FromHexString(sha256))}:", response.Headers.GetValues("Repr-Digest").Single());
    }
}
