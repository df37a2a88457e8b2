using System.Collections.Concurrent;
using System.Diagnostics;

namespace Engine.Service.Worker;

/// <summary>
/// Starts every osbuild of this worker from one thread that lives as long as the process.
/// Each osbuild is started through <c>setpriv --pdeathsig TERM</c>, so that it gets SIGTERM (and
/// stops cleanly) when the worker dies, even by SIGKILL; otherwise a killed worker would leave a
/// root build running that nobody waits for. The kernel sends that signal when the thread that
/// forked the child ends, not the process: .NET forks on the calling thread, and pool threads come
/// and go, hence this thread.
/// </summary>
internal sealed class ChildSpawner : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> _requests = [];
    private readonly Thread _thread;

    public ChildSpawner()
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = "osbuild spawner" };
        _thread.Start();
    }

    public Task<Process> StartAsync(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((start, started));
        return started.Task;
    }

    /// <summary>Stops taking requests. The thread itself ends with the process: children may still run.</summary>
    public void Dispose() => _requests.CompleteAdding();

    private void Serve()
    {
        foreach ((ProcessStartInfo start, TaskCompletionSource<Process> started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }

        // Keep the thread (and with it the parent-death link of every child) until the process ends.
        Thread.Sleep(Timeout.Infinite);
    }
}
