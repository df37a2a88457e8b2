using System.Text.Json;

namespace Engine.Service.Api.Contracts;

/// <summary>GET /api/v1/builds/{id}: everything known about a build.</summary>
/// <param name="Result">osbuild's result object (what <c>--json</c> prints), once the build ran.</param>
/// <param name="ExitCode">osbuild's exit status of the attempt that decided the build.</param>
/// <param name="Error">Why a failed build failed, in one message (the failing stage and its output are in Result and the log).</param>
/// <param name="Worker">The worker of the latest attempt.</param>
internal sealed record BuildStatus(
    string Id,
    string Queue,
    string Client,
    BuildState State,
    bool CancelRequested,
    BuildProgress? Progress,
    JsonElement? Result,
    int? ExitCode,
    string? Error,
    string? Worker,
    IReadOnlyList<AttemptInfo> Attempts,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<ArtifactLink> Artifacts,
    string Log);

/// <summary>One line of GET /api/v1/builds.</summary>
internal sealed record BuildSummary(string Id, string Queue, BuildState State, DateTimeOffset SubmittedAt, DateTimeOffset? FinishedAt, string Href);
