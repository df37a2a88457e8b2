using System.Globalization;
using Engine.Service.Api.Contracts;
using Engine.Service.Auth;
using Engine.Service.Builds;
using Microsoft.Net.Http.Headers;

namespace Engine.Service.Api;

/// <summary>The clients' API, version 1: submit, follow, download, cancel (docs/service.md).</summary>
internal static class ClientEndpoints
{
    private const string SubmitExample = "{\"manifest\": {\"stages\": [...], \"assembler\": {...}}, \"queue\": \"x86_64\"}";

    public static void Map(WebApplication app)
    {
        RouteGroupBuilder builds = app.MapGroup("/api/v1/builds").RequireAuthorization(Roles.Client).WithTags("builds");

        builds.MapPost("", SubmitAsync)
            .WithSummary("Submit a build: 202 with its id; 400 with osbuild's messages for a manifest osbuild refuses; 403 for plugins outside the client's allow-list")
            .JsonBody<SubmitBuildRequest>()
            .Produces<BuildAccepted>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status403Forbidden);
        builds.MapGet("", List)
            .WithSummary("List builds, newest first (state=queued|running|succeeded|failed|cancelled filters)")
            .Produces<IReadOnlyList<BuildSummary>>();
        builds.MapGet("/{id}", Get)
            .WithSummary("A build's state, progress, result, timestamps, worker and artifacts")
            .Produces<BuildStatus>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        builds.MapGet("/{id}/log", LogAsync)
            .WithSummary("The log of an attempt (default: the latest) from a byte offset; X-Log-Offset is where to continue, X-Log-Complete says whether more can come")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        builds.MapGet("/{id}/artifacts", Artifacts)
            .WithSummary("The files of a succeeded build: name, size, SHA-256, download address")
            .Produces<IReadOnlyList<ArtifactLink>>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        builds.MapGet("/{id}/artifacts/{**name}", Download)
            .WithSummary("Download an artifact: range requests, Content-Length, X-Checksum-Sha256 and Repr-Digest of the whole file")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        builds.MapPost("/{id}/cancel", CancelAsync)
            .WithSummary("Cancel a build: a queued build at once, a running one when its worker has stopped osbuild (SIGTERM)")
            .Produces<BuildStatus>(StatusCodes.Status202Accepted)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, BuildSubmitter submitter, CancellationToken cancellationToken)
    {
        Outcome<SubmitBuildRequest> request = await RequestBodies.ReadAsync(context.Request, ServiceJson.Default.SubmitBuildRequest, SubmitExample, cancellationToken);
        if (request.Refusal is { } invalid)
        {
            return invalid.ToResult();
        }

        var caller = (Caller)context.Items[TokenAuthenticationHandler.CallerItem]!;
        Outcome<BuildRecord> outcome = await submitter.SubmitAsync(caller, request.Value!, cancellationToken);
        if (outcome.Refusal is { } refused)
        {
            return refused.ToResult();
        }

        BuildRecord record = outcome.Value!;
        context.Response.Headers.Location = StatusView.Href(record.Id);
        return Results.Json(new BuildAccepted(record.Id, record.State, StatusView.Href(record.Id)), ServiceJson.Default.BuildAccepted, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult List(BuildRepository repository, string? state)
    {
        IEnumerable<BuildRecord> records = repository.All;
        if (state is not null)
        {
            records = records.Where(r => string.Equals(AttemptLedger.Name(r.State), state, StringComparison.Ordinal));
        }

        IReadOnlyList<BuildSummary> list = [.. records.OrderByDescending(r => r.SubmittedAt).Select(StatusView.Summary)];
        return Results.Json(list, ServiceJson.Default.IReadOnlyListBuildSummary);
    }

    private static IResult Get(string id, BuildRepository repository)
        => Find(id, repository) is { } record
            ? Results.Json(StatusView.Of(record), ServiceJson.Default.BuildStatus)
            : Refusal.NotFound(id).ToResult();

    private static async Task<IResult> LogAsync(string id, long? offset, int? attempt, HttpContext context, BuildRepository repository, LogStore logs, CancellationToken cancellationToken)
    {
        if (Find(id, repository) is not { } record)
        {
            return Refusal.NotFound(id).ToResult();
        }

        int number = attempt ?? record.CurrentAttempt?.Number ?? 0;
        AttemptInfo? info = record.Attempts.FirstOrDefault(a => a.Number == number);
        if (attempt is not null && info is null)
        {
            return new Refusal(StatusCodes.Status404NotFound, new ErrorBody(
                "attempt_not_found", $"build {id} has no attempt {attempt}", $"attempts of this build: {(record.Attempts.Count == 0 ? "none yet" : string.Join(", ", record.Attempts.Select(a => a.Number)))}")).ToResult();
        }

        LogStore.Slice slice = number == 0 ? new LogStore.Slice("", 0, 0) : await logs.ReadAsync(id, number, offset ?? 0, cancellationToken);
        bool ended = record.State.IsFinal() || info?.FinishedAt is not null;
        context.Response.Headers["X-Log-Attempt"] = number.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Log-Offset"] = slice.Next.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Log-Complete"] = ended && slice.Next >= slice.Length ? "true" : "false";
        return Results.Text(slice.Text, "text/plain; charset=utf-8");
    }

    private static IResult Artifacts(string id, BuildRepository repository)
        => Find(id, repository) is { } record
            ? Results.Json(StatusView.Links(record), ServiceJson.Default.IReadOnlyListArtifactLink)
            : Refusal.NotFound(id).ToResult();

    private static IResult Download(string id, string name, HttpContext context, BuildRepository repository, ArtifactStore store)
    {
        if (Find(id, repository) is not { } record)
        {
            return Refusal.NotFound(id).ToResult();
        }

        ArtifactInfo? artifact = record.State == Api.Contracts.BuildState.Succeeded ? record.Artifacts.FirstOrDefault(a => a.Name == name) : null;
        if (artifact is null)
        {
            string has = record.State != Api.Contracts.BuildState.Succeeded
                ? $"the build is {AttemptLedger.Name(record.State)}: only a succeeded build has artifacts"
                : record.Artifacts.Count == 0 ? "the build has no artifacts" : $"its artifacts are: {string.Join(", ", record.Artifacts.Select(a => a.Name))}";
            return new Refusal(StatusCodes.Status404NotFound, new ErrorBody("artifact_not_found", $"build {id} has no artifact \"{name}\"", has)).ToResult();
        }

        context.Response.Headers[ArtifactHeaders.Sha256] = artifact.Sha256;
        context.Response.Headers[ArtifactHeaders.ReprDigest] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(artifact.Sha256))}:";
        return Results.File(
            store.PublishedPath(id, name),
            "application/octet-stream",
            fileDownloadName: Path.GetFileName(name),
            entityTag: new EntityTagHeaderValue($"\"{artifact.Sha256}\""),
            enableRangeProcessing: true);
    }

    private static async Task<IResult> CancelAsync(string id, BuildRepository repository, BuildCanceller canceller, CancellationToken cancellationToken)
    {
        if (Find(id, repository) is null)
        {
            return Refusal.NotFound(id).ToResult();
        }

        Outcome<BuildRecord> outcome = await canceller.CancelAsync(id, cancellationToken);
        return outcome.Refusal is { } refused
            ? refused.ToResult()
            : Results.Json(StatusView.Of(outcome.Value!), ServiceJson.Default.BuildStatus, statusCode: StatusCodes.Status202Accepted);
    }

    private static BuildRecord? Find(string id, BuildRepository repository)
        => BuildIds.IsWellFormed(id) ? repository.Get(id) : null;
}
