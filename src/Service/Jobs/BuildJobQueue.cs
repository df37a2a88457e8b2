using Hangfire;
using Hangfire.States;
using Hangfire.Storage;

namespace Engine.Service.Jobs;

/// <summary>The API's side of Hangfire: queue a build, delete its job, read its job's state.</summary>
internal sealed class BuildJobQueue(IBackgroundJobClient client, JobStorage storage)
{
    /// <summary>Hangfire's view of a job, reduced to what the API acts on.</summary>
    internal enum JobState
    {
        Missing,
        Waiting,
        Processing,
        Succeeded,
        Failed,
        Deleted,
    }

    internal sealed record JobView(JobState State, string? Reason);

    public string Enqueue(string buildId, string queue)
        => client.Enqueue<BuildJob>(queue, job => job.RunAsync(buildId, CancellationToken.None));

    public void Delete(string jobId) => client.Delete(jobId);

    public JobView View(string jobId)
    {
        using IStorageConnection connection = storage.GetConnection();
        JobData? data = connection.GetJobData(jobId);
        if (data is null)
        {
            return new JobView(JobState.Missing, null);
        }

        StateData? state = connection.GetStateData(jobId);
        string? reason = state?.Data is { } values && values.TryGetValue("ExceptionMessage", out string? message) ? message : state?.Reason;
        JobState mapped =
            data.State == ProcessingState.StateName ? JobState.Processing
            : data.State == SucceededState.StateName ? JobState.Succeeded
            : data.State == FailedState.StateName ? JobState.Failed
            : data.State == DeletedState.StateName ? JobState.Deleted
            : JobState.Waiting;
        return new JobView(mapped, reason);
    }
}
