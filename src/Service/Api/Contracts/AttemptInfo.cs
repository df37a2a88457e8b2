namespace Engine.Service.Api.Contracts;

/// <summary>One run of a build on a worker. A build has several after a worker died or a retry.</summary>
internal sealed record AttemptInfo(
    int Number,
    string Worker,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    AttemptOutcome? Outcome,
    int? ExitCode);
