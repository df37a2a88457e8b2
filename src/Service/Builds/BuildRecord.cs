using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Builds;

/// <summary>
/// What the API knows about one build, saved as <c>builds/ID/build.json</c> after every change. The
/// API is its only writer; workers change it through the worker endpoints. Hangfire's job is only
/// the build's place in a queue: the record is the truth clients see.
/// </summary>
/// <param name="JobIds">Hangfire job ids of this build, the current one last (a retry or a requeue adds one).</param>
/// <param name="CancelRequestedAt">When a client asked to cancel; a running build stays running until its worker confirms.</param>
internal sealed record BuildRecord(
    string Id,
    string Client,
    string Queue,
    int Retries,
    BuildState State,
    DateTimeOffset? CancelRequestedAt,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<string> JobIds,
    IReadOnlyList<AttemptInfo> Attempts,
    BuildProgress? Progress,
    JsonElement? Result,
    int? ExitCode,
    string? Error,
    IReadOnlyList<ArtifactInfo> Artifacts)
{
    [JsonIgnore]
    public bool CancelRequested => CancelRequestedAt is not null;

    [JsonIgnore]
    public string? CurrentJobId => JobIds.Count > 0 ? JobIds[^1] : null;

    [JsonIgnore]
    public AttemptInfo? CurrentAttempt => Attempts.Count > 0 ? Attempts[^1] : null;

    [JsonIgnore]
    public int FailedAttempts => Attempts.Count(a => a.Outcome == AttemptOutcome.Failed);

    public static BuildRecord New(string id, string client, string queue, int retries, DateTimeOffset now)
        => new(id, client, queue, retries, BuildState.Queued, null, now, null, null, [], [], null, null, null, null, []);
}
