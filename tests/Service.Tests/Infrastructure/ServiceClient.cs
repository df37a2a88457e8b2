using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Engine.Service.Tests.Infrastructure;

/// <summary>A client of the service's HTTP API with one token, as curl would use it.</summary>
internal sealed class ServiceClient(Uri baseAddress, string? token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public Uri BaseAddress => baseAddress;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? bearer = null, AuthenticationHeaderValue? authorization = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = authorization ?? ((bearer ?? token) is { } value ? new AuthenticationHeaderValue("Bearer", value) : null);
        return await _http.SendAsync(request);
    }

    /// <summary>Submits a manifest and returns the new build's id; fails with the answer when it is not 202.</summary>
    public async Task<string> SubmitAsync(string manifest, string? extra = null)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Post, "/api/v1/builds", $"{{\"manifest\": {manifest}{(extra is null ? "" : ", " + extra)}}}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submission answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> StatusAsync(string id)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"/api/v1/builds/{id}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET build {id} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls a build until <paramref name="until"/> holds; fails with its last state after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitAsync(string id, Func<JsonElement, bool> until, TimeSpan timeout, Func<string>? context = null)
    {
        DateTime end = DateTime.UtcNow + timeout;
        JsonElement status;
        while (!until(status = await StatusAsync(id)))
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"build {id} did not reach the expected state in {timeout.TotalSeconds} s; last state:\n{status}\n{context?.Invoke()}");
            }

            await Task.Delay(200);
        }

        return status;
    }

    public Task<JsonElement> WaitFinalAsync(string id, TimeSpan timeout, Func<string>? context = null)
        => WaitAsync(id, s => State(s) is "succeeded" or "failed" or "cancelled", timeout, context);

    public static string State(JsonElement status) => status.GetProperty("state").GetString()!;

    /// <summary>Downloads an artifact; returns its bytes, the SHA-256 of the bytes and the checksum header.</summary>
    public async Task<(byte[] Bytes, string Sha256, string? Header, long? Length)> DownloadAsync(string href)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, href);
        Assert.True(response.IsSuccessStatusCode, $"GET {href} answered {(int)response.StatusCode}");
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        string? header = response.Headers.TryGetValues("X-Checksum-Sha256", out IEnumerable<string>? values) ? values.Single() : null;
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), header, response.Content.Headers.ContentLength);
    }

    public void Dispose() => _http.Dispose();
}
