using Engine.Service.Api.Contracts;

namespace Engine.Service.Worker;

/// <summary>
/// Why the worker stops a running osbuild; the first reason wins. <see cref="AttemptOutcome.Stopped"/>:
/// the build was cancelled or taken over; <see cref="AttemptOutcome.Interrupted"/>: this worker shuts
/// down and the job goes back to its queue.
/// </summary>
internal sealed class StopRequest(Action onFirstRequest)
{
    private int _requested;

    public (AttemptOutcome Outcome, string Reason)? Value { get; private set; }

    public void Request(AttemptOutcome outcome, string reason)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 0)
        {
            Value = (outcome, reason);
            onFirstRequest();
        }
    }
}
