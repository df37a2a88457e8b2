using Engine.Service.Api.Contracts;

namespace Engine.Service.Builds;

/// <summary>A build record as clients see it: links instead of paths, no internal job ids.</summary>
internal static class StatusView
{
    public static string Href(string id) => $"/api/v1/builds/{id}";

    public static BuildStatus Of(BuildRecord r)
        => new(
            r.Id,
            r.Queue,
            r.Client,
            r.State,
            r.CancelRequested,
            r.Progress,
            r.Result,
            r.ExitCode,
            r.Error,
            r.CurrentAttempt?.Worker,
            r.Attempts,
            r.SubmittedAt,
            r.StartedAt,
            r.FinishedAt,
            Links(r),
            $"{Href(r.Id)}/log");

    public static IReadOnlyList<ArtifactLink> Links(BuildRecord r)
        => [.. r.Artifacts.Select(a => new ArtifactLink(a.Name, a.Size, a.Sha256, $"{Href(r.Id)}/artifacts/{string.Join('/', a.Name.Split('/').Select(Uri.EscapeDataString))}"))];

    public static BuildSummary Summary(BuildRecord r) => new(r.Id, r.Queue, r.State, r.SubmittedAt, r.FinishedAt, Href(r.Id));
}
