using System.Text.Json;
using Engine.Service.Api;
using Engine.Service.Api.Contracts;
using Engine.Service.Auth;
using Engine.Service.Jobs;

namespace Engine.Service.Builds;

/// <summary>
/// Takes a submission: refuses what osbuild would refuse (400, osbuild's own messages) and what
/// the client may not build (403, plugins outside its allow-list), then saves the build and queues
/// its job. Nothing is queued for a refused submission.
/// </summary>
internal sealed class BuildSubmitter(BuildRepository repository, ManifestValidator validator, BuildJobQueue jobs, TimeProvider clock, ILogger<BuildSubmitter> log)
{
    private const int MaxRetries = 10;

    public async Task<Outcome<BuildRecord>> SubmitAsync(Caller client, SubmitBuildRequest request, CancellationToken cancellationToken)
    {
        if (Shape(request) is { } badShape)
        {
            return badShape;
        }

        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(request.Manifest!.Value, ServiceJson.Default.JsonElement);
        byte[]? sources = request.Sources is { } s ? JsonSerializer.SerializeToUtf8Bytes(s, ServiceJson.Default.JsonElement) : null;
        byte[]? secrets = request.Secrets is { } x ? JsonSerializer.SerializeToUtf8Bytes(x, ServiceJson.Default.JsonElement) : null;

        ManifestValidator.Verdict verdict = await validator.CheckAsync(manifest, sources, cancellationToken);
        if (!verdict.Accepted)
        {
            return new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                "invalid_manifest",
                "osbuild refuses this manifest (osbuild --check exited with 2); its messages are in \"details\"",
                "fix the manifest where each message points (a JSON path after \"stdin:\"), and check it with `osbuild --check - < manifest.json`",
                verdict.Messages));
        }

        string[] denied = [.. verdict.Plugins.Where(p => !client.Plugins.Allows(p))];
        if (denied.Length > 0)
        {
            return new Refusal(StatusCodes.Status403Forbidden, new ErrorBody(
                "plugin_not_allowed",
                $"the manifest names plugins that client \"{client.Name}\" may not use: {string.Join(", ", denied)}",
                "remove them from the manifest, or ask the service's operator to allow them for this client (allow_plugins / deny_plugins in the tokens file)",
                [.. denied.Select(p => $"{p}: not allowed for client \"{client.Name}\"")]));
        }

        string queue = request.Queue ?? QueueNames.Default;
        BuildRecord record = BuildRecord.New(BuildIds.New(), client.Name, queue, request.Retries ?? 0, clock.GetUtcNow());
        await repository.CreateAsync(record, manifest, sources, secrets, cancellationToken);
        try
        {
            string job = jobs.Enqueue(record.Id, queue);
            (record, _) = await repository.UpdateAsync(record.Id, r => (r with { JobIds = [job] }, 0), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "build {Build}: the queue refused its job", record.Id);
            await repository.DeleteAsync(record.Id, CancellationToken.None);
            return new Refusal(StatusCodes.Status503ServiceUnavailable, new ErrorBody(
                "queue_unavailable", $"the job queue did not take the build: {e.Message}", "try again later; the service's operator should check the database"));
        }

        log.LogInformation("build {Build} queued on {Queue} by {Client}", record.Id, queue, client.Name);
        return record;
    }

    private static Refusal? Shape(SubmitBuildRequest request)
    {
        var problems = new List<string>();
        if (request.Manifest is not { ValueKind: JsonValueKind.Object })
        {
            problems.Add("$.manifest: missing or not an object; put the manifest (either osbuild form) there");
        }

        if (request.Sources is { } sources && sources.ValueKind != JsonValueKind.Object)
        {
            problems.Add("$.sources: must be an object (what an osbuild --sources file holds)");
        }

        if (request.Secrets is { } secrets && secrets.ValueKind != JsonValueKind.Object)
        {
            problems.Add("$.secrets: must be an object (what an osbuild --secrets file holds)");
        }

        if (request.Queue is { } queue && !QueueNames.IsValid(queue))
        {
            problems.Add($"$.queue: \"{queue}\" is not a queue name: use 1 to 50 lower-case letters, digits, '_' or '-' (e.g. \"x86_64\")");
        }

        if (request.Retries is < 0 or > MaxRetries)
        {
            problems.Add($"$.retries: {request.Retries} is out of range: give 0 to {MaxRetries}");
        }

        return problems.Count == 0 ? null : new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
            "invalid_request",
            problems.Count == 1 ? problems[0] : $"{problems.Count} problems in the request; see \"details\"",
            "send {\"manifest\": {...}, \"sources\": {...}?, \"secrets\": {...}?, \"queue\": \"NAME\"?, \"retries\": N?} (docs/service.md)",
            problems));
    }
}
