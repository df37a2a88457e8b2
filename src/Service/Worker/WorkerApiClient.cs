using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Service.Api.Contracts;
using Engine.Service.Configuration;

namespace Engine.Service.Worker;

/// <summary>
/// The worker's side of the API's worker endpoints (<c>/api/worker/v1</c>). Every call is retried
/// while the API cannot be reached or answers 5xx, for up to the worker's retry budget, so an API
/// restarted in the middle of a build loses nothing: the worker waits for it and goes on. Every call
/// is safe to repeat (log chunks carry their offset, uploads replace, finishing twice is answered
/// the same way).
/// </summary>
internal sealed class WorkerApiClient(HttpClient http, WorkerSettings settings, ILogger<WorkerApiClient> log)
{
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Starts an attempt; null when the build needs no run (finished or cancelled meanwhile).</summary>
    public async Task<AttemptGranted?> StartAttemptAsync(string buildId, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            () => Post($"builds/{buildId}/attempts", new AttemptRequest(settings.Name), ServiceJson.Default.AttemptRequest),
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ServiceJson.Default.AttemptGranted, cancellationToken)
            ?? throw new InvalidOperationException("the API answered an attempt with no body");
    }

    public async Task<AttemptDirective> ReportProgressAsync(string buildId, int attempt, BuildProgress progress, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            () => Post($"builds/{buildId}/attempts/{attempt}/progress", progress, ServiceJson.Default.BuildProgress),
            cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ServiceJson.Default.AttemptDirective, cancellationToken)
            ?? new AttemptDirective(false, null);
    }

    /// <summary>Sends log bytes that start at <paramref name="offset"/> of this attempt's log; returns the API's length.</summary>
    public async Task<long> AppendLogAsync(string buildId, int attempt, long offset, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"builds/{buildId}/attempts/{attempt}/log?offset={offset.ToString(CultureInfo.InvariantCulture)}")
            {
                Content = new ReadOnlyMemoryContent(chunk) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" } } },
            },
            cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        LogAccepted? accepted = await response.Content.ReadFromJsonAsync(ServiceJson.Default.LogAccepted, cancellationToken);
        return accepted?.Length ?? offset + chunk.Length;
    }

    public async Task UploadArtifactAsync(string buildId, int attempt, string name, string path, string sha256, CancellationToken cancellationToken)
    {
        string escaped = string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
        using HttpResponseMessage response = await SendAsync(
            () =>
            {
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
                var content = new StreamContent(stream, 1 << 16);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Headers.ContentLength = stream.Length;
                var request = new HttpRequestMessage(HttpMethod.Put, $"builds/{buildId}/attempts/{attempt}/artifacts/{escaped}") { Content = content };
                request.Headers.Add(Api.ArtifactHeaders.Sha256, sha256);
                return request;
            },
            cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<FinishResponse> FinishAsync(string buildId, int attempt, FinishRequest finish, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(
            () => Post($"builds/{buildId}/attempts/{attempt}/finish", finish, ServiceJson.Default.FinishRequest),
            cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(ServiceJson.Default.FinishResponse, cancellationToken)
            ?? throw new InvalidOperationException("the API answered a finished attempt with no body");
    }

    private static HttpRequestMessage Post<T>(string path, T body, JsonTypeInfo<T> type)
        => new(HttpMethod.Post, path) { Content = JsonContent.Create(body, type) };

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        DateTimeOffset giveUp = DateTimeOffset.UtcNow + settings.ApiRetryBudget;
        TimeSpan delay = s_firstDelay;
        while (true)
        {
            string problem;
            using (HttpRequestMessage message = request())
            {
                try
                {
                    HttpResponseMessage response = await http.SendAsync(message, cancellationToken);
                    if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.RequestTimeout)
                    {
                        return response;
                    }

                    problem = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    response.Dispose();
                }
                catch (HttpRequestException e)
                {
                    problem = e.Message;
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    problem = "no answer in time";
                }

                if (DateTimeOffset.UtcNow + delay > giveUp)
                {
                    throw new ApiUnreachableException($"the API at {settings.ApiUrl} did not take {message.Method} {message.RequestUri} within {settings.ApiRetryBudget.TotalSeconds:0} s: {problem}");
                }

                log.LogWarning("API call {Method} {Uri} failed ({Problem}); trying again in {Delay} ms", message.Method, message.RequestUri, problem, delay.TotalMilliseconds);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxDelay.Ticks));
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"the API refused {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        }
    }
}
