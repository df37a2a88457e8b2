using Engine.Service.Api.Contracts;
using Engine.Service.Auth;
using Engine.Service.Builds;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Service.Api;

/// <summary>
/// The workers' API, version 1, with worker tokens only: start an attempt, report progress and log,
/// upload artifacts, finish. Every call names the attempt, so a worker that lost its job cannot
/// change the build another worker now runs.
/// </summary>
internal static class WorkerEndpoints
{
    public static void Map(WebApplication app)
    {
        RouteGroupBuilder build = app.MapGroup("/api/worker/v1/builds/{id}").RequireAuthorization(Roles.Worker).WithTags("workers");
        build.MapPost("/attempts", StartAsync)
            .WithSummary("Start an attempt: its number, the manifest, sources and secrets; 409 when the build needs no run")
            .JsonBody<AttemptRequest>()
            .Produces<AttemptGranted>(StatusCodes.Status201Created)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        build.MapPost("/attempts/{attempt:int}/progress", ProgressAsync)
            .WithSummary("Report progress; the answer says whether to stop osbuild (cancelled, or superseded)")
            .JsonBody<BuildProgress>()
            .Produces<AttemptDirective>();
        build.MapPost("/attempts/{attempt:int}/log", LogAsync)
            .WithSummary("Append to the attempt's log from ?offset= (bytes the API already has are skipped)")
            .Produces<LogAccepted>()
            .Produces<ErrorBody>(StatusCodes.Status409Conflict);
        build.MapPut("/attempts/{attempt:int}/artifacts/{**name}", UploadAsync)
            .WithSummary("Upload an artifact with its SHA-256 in X-Checksum-Sha256; it becomes visible only when the attempt decides the build")
            .Produces(StatusCodes.Status201Created)
            .Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity);
        build.MapPost("/attempts/{attempt:int}/finish", FinishAsync)
            .WithSummary("Report how the attempt ended; the first attempt to finish decides the build")
            .JsonBody<FinishRequest>()
            .Produces<FinishResponse>();
    }

    private static async Task<IResult> StartAsync(string id, HttpContext context, BuildRepository repository, AttemptLedger ledger, CancellationToken cancellationToken)
    {
        if (!Known(id, repository))
        {
            return Refusal.NotFound(id).ToResult();
        }

        Outcome<AttemptRequest> request = await RequestBodies.ReadAsync(context.Request, ServiceJson.Default.AttemptRequest, "{\"worker\": \"NAME\"}", cancellationToken);
        if (request.Refusal is { } invalid)
        {
            return invalid.ToResult();
        }

        Outcome<AttemptGranted> outcome = await ledger.StartAsync(id, request.Value!.Worker, cancellationToken);
        return outcome.Refusal is { } refused
            ? refused.ToResult()
            : Results.Json(outcome.Value, ServiceJson.Default.AttemptGranted, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ProgressAsync(string id, int attempt, HttpContext context, BuildRepository repository, AttemptLedger ledger, CancellationToken cancellationToken)
    {
        if (!Known(id, repository))
        {
            return Refusal.NotFound(id).ToResult();
        }

        Outcome<BuildProgress> progress = await RequestBodies.ReadAsync(context.Request, ServiceJson.Default.BuildProgress, "{\"stages_total\": 3, \"stages_done\": 1, ...}", cancellationToken);
        if (progress.Refusal is { } invalid)
        {
            return invalid.ToResult();
        }

        Outcome<AttemptDirective> outcome = await ledger.ProgressAsync(id, attempt, progress.Value!, cancellationToken);
        return outcome.Refusal is { } refused ? refused.ToResult() : Results.Json(outcome.Value, ServiceJson.Default.AttemptDirective);
    }

    private static async Task<IResult> LogAsync(string id, int attempt, long? offset, HttpContext context, BuildRepository repository, LogStore logs, CancellationToken cancellationToken)
    {
        if (repository.Get(id) is not { } record || !BuildIds.IsWellFormed(id))
        {
            return Refusal.NotFound(id).ToResult();
        }

        if (record.Attempts.All(a => a.Number != attempt) || offset is null or < 0)
        {
            return new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                "invalid_log_chunk", $"build {id} has no attempt {attempt}, or ?offset= is missing", "start an attempt first and send ?offset=BYTES_ALREADY_SENT")).ToResult();
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        LogStore.Appended appended = await logs.AppendAsync(id, attempt, offset.Value, buffer.ToArray(), cancellationToken);
        return appended.Gap
            ? new Refusal(StatusCodes.Status409Conflict, new ErrorBody(
                "log_gap", $"the log of attempt {attempt} has {appended.Length} bytes; a chunk at {offset} would leave a gap", $"send from offset {appended.Length}")).ToResult()
            : Results.Json(new LogAccepted(appended.Length), ServiceJson.Default.LogAccepted);
    }

    private static async Task<IResult> UploadAsync(string id, int attempt, string name, HttpContext context, BuildRepository repository, ArtifactStore store, CancellationToken cancellationToken)
    {
        if (repository.Get(id) is not { } record || !BuildIds.IsWellFormed(id))
        {
            return Refusal.NotFound(id).ToResult();
        }

        if (!ArtifactNames.IsValid(name))
        {
            return new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                "invalid_artifact_name", $"\"{name}\" is not an artifact name", "use the file's path below the output directory: '/'-separated, no empty, '.' or '..' segments")).ToResult();
        }

        string? sha256 = context.Request.Headers[ArtifactHeaders.Sha256];
        if (sha256 is not { Length: 64 } || !sha256.All(Uri.IsHexDigit))
        {
            return new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                "missing_checksum", $"the upload has no valid {ArtifactHeaders.Sha256} header", $"send the file's SHA-256 as 64 hex digits in {ArtifactHeaders.Sha256}")).ToResult();
        }

        if (record.State.IsFinal() || record.CurrentAttempt?.Number != attempt)
        {
            return new Refusal(StatusCodes.Status409Conflict, new ErrorBody(
                "attempt_not_current", $"attempt {attempt} no longer decides build {id} (the build is {AttemptLedger.Name(record.State)})", "stop: another attempt took over, or the build ended")).ToResult();
        }

        // Images are large: no request size limit here (the default limit stays on every other endpoint).
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        ArtifactStore.UploadResult result = await store.ReceiveAsync(id, attempt, name, sha256, context.Request.ContentLength, context.Request.Body, cancellationToken);
        return result switch
        {
            ArtifactStore.UploadResult.Stored => Results.StatusCode(StatusCodes.Status201Created),
            ArtifactStore.UploadResult.SizeMismatch => new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                "size_mismatch", $"the body of {name} is not as long as its Content-Length", "upload the whole file again")).ToResult(),
            _ => new Refusal(StatusCodes.Status422UnprocessableEntity, new ErrorBody(
                "checksum_mismatch", $"the body of {name} does not have the SHA-256 {sha256}", "upload the file again; if it fails again, the file changed while it was read")).ToResult(),
        };
    }

    private static async Task<IResult> FinishAsync(string id, int attempt, HttpContext context, BuildRepository repository, AttemptLedger ledger, CancellationToken cancellationToken)
    {
        if (!Known(id, repository))
        {
            return Refusal.NotFound(id).ToResult();
        }

        Outcome<FinishRequest> finish = await RequestBodies.ReadAsync(context.Request, ServiceJson.Default.FinishRequest, "{\"outcome\": \"succeeded\", \"exit_code\": 0, \"artifacts\": []}", cancellationToken);
        if (finish.Refusal is { } invalid)
        {
            return invalid.ToResult();
        }

        Outcome<FinishResponse> outcome = await ledger.FinishAsync(id, attempt, finish.Value! with { Artifacts = finish.Value!.Artifacts ?? [] }, cancellationToken);
        return outcome.Refusal is { } refused ? refused.ToResult() : Results.Json(outcome.Value, ServiceJson.Default.FinishResponse);
    }

    private static bool Known(string id, BuildRepository repository) => BuildIds.IsWellFormed(id) && repository.Get(id) is not null;
}
