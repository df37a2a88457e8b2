using System.Text.Json;
using Engine.Service.Api;
using Engine.Service.Api.Contracts;
using Engine.Service.Jobs;

namespace Engine.Service.Builds;

/// <summary>
/// The API's side of the worker endpoints: who runs a build, how far it is, how it ended. This is
/// where a build is decided exactly once: a finished or cancelled build refuses new attempts, a
/// newer attempt supersedes an older one (its worker was killed, or lost the job), and only the
/// current attempt's finish counts.
/// </summary>
internal sealed class AttemptLedger(BuildRepository repository, ArtifactStore artifacts, BuildJobQueue jobs, TimeProvider clock)
{
    public async Task<Outcome<AttemptGranted>> StartAsync(string id, string worker, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        (BuildRecord record, Refusal? refusal) = await repository.UpdateAsync<Refusal?>(id, r =>
        {
            if (r.State.IsFinal())
            {
                return (r, Conflict("build_finished", $"build {id} is already {Name(r.State)}; it is not run again"));
            }

            if (r.CancelRequested)
            {
                return (Final(r, BuildState.Cancelled, now) with { Error = "cancelled before a worker started it" },
                    Conflict("build_cancelled", $"build {id} was cancelled"));
            }

            int number = r.Attempts.Count + 1;
            return (r with
            {
                State = BuildState.Running,
                StartedAt = r.StartedAt ?? now,
                Attempts = [.. r.Attempts.Select(a => a.FinishedAt is null ? a with { FinishedAt = now, Outcome = AttemptOutcome.Abandoned } : a), new AttemptInfo(number, worker, now, null, null, null)],
                Progress = null,
            }, null);
        }, cancellationToken);

        if (refusal is not null)
        {
            Cleanup(record);
            return refusal;
        }

        return new AttemptGranted(
            record.CurrentAttempt!.Number,
            await ReadJsonAsync(repository.ManifestPath(id), cancellationToken) ?? throw new InvalidOperationException($"build {id} has no manifest on the API's disk"),
            await ReadJsonAsync(repository.SourcesPath(id), cancellationToken),
            await ReadJsonAsync(repository.SecretsPath(id), cancellationToken));
    }

    public async Task<Outcome<AttemptDirective>> ProgressAsync(string id, int attempt, BuildProgress progress, CancellationToken cancellationToken)
    {
        (_, Outcome<AttemptDirective> outcome) = await repository.UpdateAsync<Outcome<AttemptDirective>>(id, r =>
        {
            if (r.Attempts.All(a => a.Number != attempt))
            {
                return (r, UnknownAttempt(id, attempt));
            }

            bool current = r.CurrentAttempt?.Number == attempt && r.State == BuildState.Running;
            AttemptDirective directive = !current ? new AttemptDirective(true, $"attempt {attempt} of build {id} is no longer the current one")
                : r.CancelRequested ? new AttemptDirective(true, $"build {id} was cancelled")
                : new AttemptDirective(false, null);
            return (current ? r with { Progress = progress } : r, directive);
        }, cancellationToken);
        return outcome;
    }

    public async Task<Outcome<FinishResponse>> FinishAsync(string id, int attempt, FinishRequest finish, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        (BuildRecord record, Outcome<FinishResponse> outcome) = await repository.UpdateAsync<Outcome<FinishResponse>>(id, r =>
        {
            AttemptInfo? info = r.Attempts.FirstOrDefault(a => a.Number == attempt);
            if (info is null)
            {
                return ValueTask.FromResult<(BuildRecord, Outcome<FinishResponse>)>((r, UnknownAttempt(id, attempt)));
            }

            if (finish.Outcome == AttemptOutcome.Abandoned)
            {
                return ValueTask.FromResult<(BuildRecord, Outcome<FinishResponse>)>((r, new Refusal(StatusCodes.Status400BadRequest, new ErrorBody(
                    "invalid_outcome", "\"abandoned\" is set by the API for attempts whose worker vanished", "report succeeded, failed, stopped or interrupted"))));
            }

            AttemptInfo ended = info with
            {
                FinishedAt = info.FinishedAt ?? now,
                Outcome = info.Outcome ?? finish.Outcome,
                ExitCode = info.ExitCode ?? finish.ExitCode,
            };
            BuildRecord withAttempt = r with { Attempts = [.. r.Attempts.Select(a => a.Number == attempt ? ended : a)] };
            if (r.State.IsFinal() || r.CurrentAttempt?.Number != attempt)
            {
                return ValueTask.FromResult<(BuildRecord, Outcome<FinishResponse>)>((withAttempt, new FinishResponse(false, r.State, false)));
            }

            return ValueTask.FromResult(Decide(withAttempt, attempt, finish, now));
        }, cancellationToken);

        if (record.State.IsFinal())
        {
            Cleanup(record);
        }

        return outcome;
    }

    private (BuildRecord, Outcome<FinishResponse>) Decide(BuildRecord r, int attempt, FinishRequest finish, DateTimeOffset now)
    {
        switch (finish.Outcome)
        {
            case AttemptOutcome.Succeeded:
                IReadOnlyList<string> missing = artifacts.Missing(r.Id, attempt, finish.Artifacts);
                if (missing.Count > 0)
                {
                    return (r, new Refusal(StatusCodes.Status409Conflict, new ErrorBody(
                        "artifacts_missing",
                        $"attempt {attempt} reports artifacts that were not uploaded completely",
                        "upload each artifact (PUT .../artifacts/NAME with its checksum) before finishing",
                        missing)));
                }

                artifacts.Publish(r.Id, attempt);
                return (Final(r, BuildState.Succeeded, now) with { Result = finish.Result, ExitCode = 0, Error = null, Artifacts = finish.Artifacts },
                    new FinishResponse(true, BuildState.Succeeded, false));

            case AttemptOutcome.Failed when r.FailedAttempts <= r.Retries && !r.CancelRequested:
                string job = jobs.Enqueue(r.Id, r.Queue);
                return (r with { State = BuildState.Queued, JobIds = [.. r.JobIds, job], Result = finish.Result, ExitCode = finish.ExitCode, Error = finish.Error, Progress = null },
                    new FinishResponse(true, BuildState.Queued, true));

            case AttemptOutcome.Failed:
                return (Final(r, BuildState.Failed, now) with { Result = finish.Result, ExitCode = finish.ExitCode, Error = finish.Error },
                    new FinishResponse(true, BuildState.Failed, false));

            case AttemptOutcome.Stopped when r.CancelRequested:
                return (Final(r, BuildState.Cancelled, now) with { Result = finish.Result, ExitCode = finish.ExitCode, Error = "cancelled while running; osbuild was stopped with SIGTERM" },
                    new FinishResponse(true, BuildState.Cancelled, false));

            default:
                // Stopped without a cancellation (the job was taken over) or interrupted (the worker
                // shuts down): Hangfire still holds the job and gives it to a worker again; the
                // reconciler queues a new one if it does not.
                return (r with { State = BuildState.Queued, Progress = null }, new FinishResponse(true, BuildState.Queued, false));
        }
    }

    internal static BuildRecord Final(BuildRecord r, BuildState state, DateTimeOffset now)
        => r with
        {
            State = state,
            FinishedAt = now,
            Progress = null,
            Attempts = [.. r.Attempts.Select(a => a.FinishedAt is null ? a with { FinishedAt = now, Outcome = AttemptOutcome.Abandoned } : a)],
        };

    /// <summary>What a final build no longer needs: its secrets and every attempt's uploads.</summary>
    internal void Cleanup(BuildRecord record)
    {
        File.Delete(repository.SecretsPath(record.Id));
        artifacts.RemoveAttempts(record.Id);
    }

    private static async Task<JsonElement?> ReadJsonAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        using JsonDocument document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private static Refusal Conflict(string code, string message)
        => new(StatusCodes.Status409Conflict, new ErrorBody(code, message, "nothing to do: this build needs no worker any more"));

    private static Refusal UnknownAttempt(string id, int attempt)
        => new(StatusCodes.Status404NotFound, new ErrorBody("attempt_not_found", $"build {id} has no attempt {attempt}", "start an attempt with POST .../attempts first"));

    internal static string Name(BuildState state) => state.ToString().ToLowerInvariant();
}
