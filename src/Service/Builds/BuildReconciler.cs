using Engine.Service.Api.Contracts;
using Engine.Service.Jobs;

namespace Engine.Service.Builds;

/// <summary>
/// Keeps every unfinished build in step with its Hangfire job, at start and every few seconds.
/// It covers what no worker can report: a build whose job is gone (the in-process queue after a
/// restart, or an API that stopped between saving a build and queueing it) is queued again; a
/// cancelled build whose worker vanished is cancelled; a job that failed or ended without its
/// worker deciding the build fails it or queues it again.
/// </summary>
internal sealed class BuildReconciler(BuildRepository repository, BuildJobQueue jobs, AttemptLedger ledger, TimeProvider clock, ILogger<BuildReconciler> log) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(3);

    // A running build's worker gets this long to confirm a cancellation before the build is
    // cancelled without it (the worker is gone, or cannot reach the API).
    private static readonly TimeSpan s_cancelGrace = TimeSpan.FromSeconds(60);

    // A submission saves its build, then queues its job: a build without a job is only stranded
    // (the API stopped in between) when it is older than this. Queueing it at once would give a
    // build being submitted two jobs.
    private static readonly TimeSpan s_submissionGrace = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval);
        do
        {
            foreach (BuildRecord record in repository.All.Where(r => !r.State.IsFinal()).ToList())
            {
                try
                {
                    await ReconcileAsync(record, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("build {Build}: cannot compare with its job yet: {Message}", record.Id, e.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task ReconcileAsync(BuildRecord seen, CancellationToken cancellationToken)
    {
        if (seen.CurrentJobId is null && clock.GetUtcNow() - seen.SubmittedAt < s_submissionGrace)
        {
            return;
        }

        BuildJobQueue.JobView view = seen.CurrentJobId is { } job ? jobs.View(job) : new BuildJobQueue.JobView(BuildJobQueue.JobState.Missing, null);
        DateTimeOffset now = clock.GetUtcNow();
        (BuildRecord record, string? action) = await repository.UpdateAsync<string?>(seen.Id, r =>
        {
            if (r.State.IsFinal() || r.CurrentJobId != seen.CurrentJobId)
            {
                return (r, null); // changed meanwhile: the next round looks again
            }

            bool cancelOverdue = r.CancelRequested && (r.State == BuildState.Queued || now - r.CancelRequestedAt > s_cancelGrace);
            return view.State switch
            {
                BuildJobQueue.JobState.Missing or BuildJobQueue.JobState.Succeeded or BuildJobQueue.JobState.Deleted when r.CancelRequested && (view.State != BuildJobQueue.JobState.Deleted || cancelOverdue)
                    => (AttemptLedger.Final(r, BuildState.Cancelled, now) with { Error = "cancelled; its worker did not confirm" }, "cancelled"),
                BuildJobQueue.JobState.Missing or BuildJobQueue.JobState.Succeeded
                    => (r with { State = BuildState.Queued, JobIds = [.. r.JobIds, jobs.Enqueue(r.Id, r.Queue)], Progress = null }, "queued again"),
                BuildJobQueue.JobState.Deleted when cancelOverdue
                    => (AttemptLedger.Final(r, BuildState.Cancelled, now) with { Error = "cancelled; its worker did not confirm" }, "cancelled"),
                BuildJobQueue.JobState.Deleted when !r.CancelRequested
                    => (AttemptLedger.Final(r, BuildState.Cancelled, now) with { Error = "its job was deleted from the queue" }, "cancelled"),
                BuildJobQueue.JobState.Failed when r.CancelRequested
                    => (AttemptLedger.Final(r, BuildState.Cancelled, now) with { Error = "cancelled" }, "cancelled"),
                BuildJobQueue.JobState.Failed
                    => (AttemptLedger.Final(r, BuildState.Failed, now) with { Error = $"the worker's job failed without deciding the build: {view.Reason}" }, "failed"),
                _ => (r, null),
            };
        }, cancellationToken);

        if (action is not null)
        {
            log.LogInformation("build {Build}: job {Job} is {JobState}: build {Action}", record.Id, seen.CurrentJobId, view.State, action);
            if (record.State.IsFinal())
            {
                ledger.Cleanup(record);
            }
        }
    }
}
