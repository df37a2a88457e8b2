using Engine.Service.Api;
using Engine.Service.Api.Contracts;
using Engine.Service.Jobs;

namespace Engine.Service.Builds;

/// <summary>
/// Cancels a build. A queued build is cancelled at once; a running one is marked and its Hangfire
/// job deleted: the worker hears it (from its next progress report, or from Hangfire's own check),
/// stops osbuild with SIGTERM and reports, and only then is the build cancelled, with osbuild's
/// exit status (143).
/// </summary>
internal sealed class BuildCanceller(BuildRepository repository, BuildJobQueue jobs, AttemptLedger ledger, TimeProvider clock, ILogger<BuildCanceller> log)
{
    public async Task<Outcome<BuildRecord>> CancelAsync(string id, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        (BuildRecord record, Refusal? refusal) = await repository.UpdateAsync<Refusal?>(id, r => r.State switch
        {
            _ when r.State.IsFinal() => (r, new Refusal(StatusCodes.Status409Conflict, new ErrorBody(
                "build_finished", $"build {id} is already {AttemptLedger.Name(r.State)}", "nothing to cancel"))),
            BuildState.Queued => (AttemptLedger.Final(r, BuildState.Cancelled, now) with { CancelRequestedAt = now, Error = "cancelled before a worker started it" }, null),
            _ => (r with { CancelRequestedAt = r.CancelRequestedAt ?? now }, null),
        }, cancellationToken);

        if (refusal is not null)
        {
            return refusal;
        }

        if (record.CurrentJobId is { } job)
        {
            try
            {
                jobs.Delete(job);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The worker still hears of the cancellation from its progress reports.
                log.LogWarning("build {Build}: deleting job {Job} failed: {Message}", id, job, e.Message);
            }
        }

        if (record.State.IsFinal())
        {
            ledger.Cleanup(record);
        }

        return record;
    }
}
