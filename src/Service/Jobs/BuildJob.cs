using Engine.Service.Worker;
using Hangfire;

namespace Engine.Service.Jobs;

/// <summary>
/// The Hangfire job of a build. Its only argument is the build's id: the manifest, sources and
/// secrets come from the API when the job starts (secrets never enter the queue's storage or the
/// dashboard). Running it again after it completed does nothing: the API refuses a new attempt of
/// a finished build.
/// </summary>
/// <remarks>
/// No automatic retry: a failed build is final unless its submission asked for retries, which the
/// API handles by queueing a new job. The CancellationToken is Hangfire's: cancelled when the job is
/// deleted (a client cancelled the build), taken over by another server, or when this worker shuts
/// down.
/// </remarks>
public sealed class BuildJob(IServiceProvider services)
{
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("build {0}")]
    public Task RunAsync(string buildId, CancellationToken cancellationToken)
        => services.GetRequiredService<BuildExecutor>().RunAsync(buildId, cancellationToken);
}
