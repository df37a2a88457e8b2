namespace Engine.Service.Api.Contracts;

/// <summary>
/// How far a running build is, from osbuild's monitor records: stages finished of all stages
/// (build pipelines included), the stage running now, and the bytes its sources downloaded.
/// </summary>
internal sealed record BuildProgress(int StagesTotal, int StagesDone, CurrentStage? Stage, long BytesDownloaded, string? Message);

/// <summary>The stage or assembler running now: <c>Index</c> (from 0) of <c>Count</c> in its pipeline.</summary>
internal sealed record CurrentStage(string Name, string Kind, int Index, int Count, long Current, long Total);
