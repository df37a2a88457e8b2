using System.Text.Json;

namespace Engine.Service.Api.Contracts;

/// <summary>POST /api/worker/v1/builds/{id}/attempts: a worker starts running a build.</summary>
internal sealed record AttemptRequest(string Worker);

/// <summary>
/// The answer: the attempt's number (every later call names it) and what osbuild needs. Secrets
/// travel only here, never through the queue.
/// </summary>
internal sealed record AttemptGranted(int Attempt, JsonElement Manifest, JsonElement? Sources, JsonElement? Secrets);

/// <summary>The answer to a progress report: whether the worker must stop osbuild, and why.</summary>
internal sealed record AttemptDirective(bool Stop, string? Reason);

/// <summary>The answer to a log chunk: how many bytes of this attempt's log the API holds now.</summary>
internal sealed record LogAccepted(long Length);

/// <summary>POST .../attempts/{n}/finish: how the attempt ended.</summary>
/// <param name="Artifacts">Every file uploaded for this attempt; the API publishes exactly these.</param>
internal sealed record FinishRequest(AttemptOutcome Outcome, int? ExitCode, JsonElement? Result, string? Error, IReadOnlyList<ArtifactInfo> Artifacts);

/// <summary>
/// The answer: whether this attempt decided the build (false when another attempt finished it
/// first, or it was cancelled), the build's state now, and whether it was queued again (retries).
/// </summary>
internal sealed record FinishResponse(bool Accepted, BuildState State, bool Requeued);
