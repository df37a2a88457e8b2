using System.Globalization;
using Engine.Protocol;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// Bytes done and bytes expected across all parallel downloads, sent as <c>progress</c>
/// notifications when the host gave an RPC channel (<c>OSBUILD_RPC_FD</c>); without one this only
/// counts. Notifications are sent from one loop a few times a second rather than per chunk, so a
/// fast download is not slowed by its own reporting. The total grows as servers announce lengths.
/// </summary>
internal sealed class DownloadProgress : IAsyncDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);

    private readonly HostConnection? _rpc;
    private readonly int _files;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _done;
    private long _total;
    private int _filesDone;

    private DownloadProgress(HostConnection? rpc, int files)
    {
        _rpc = rpc;
        _files = files;
        _loop = rpc is null ? Task.CompletedTask : Task.Run(SendLoopAsync);
    }

    public static DownloadProgress Start(int files)
    {
        HostConnection? rpc;
        try
        {
            rpc = HostConnection.FromEnvironment();
        }
        catch (System.Net.Sockets.SocketException)
        {
            rpc = null; // OSBUILD_RPC_FD names no socket: progress is a courtesy, the download goes on
        }

        return new DownloadProgress(rpc, files);
    }

    public void AddExpected(long bytes) => Interlocked.Add(ref _total, bytes);

    public void AddDone(long bytes) => Interlocked.Add(ref _done, bytes);

    public void FileDone() => Interlocked.Increment(ref _filesDone);

    private async Task SendLoopAsync()
    {
        (long, long, int) last = (-1, -1, -1);
        using var timer = new PeriodicTimer(s_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                last = await SendIfChangedAsync(last, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: DisposeAsync sends the final figures
        }
    }

    private async Task<(long, long, int)> SendIfChangedAsync((long, long, int) last, CancellationToken cancellationToken)
    {
        var now = (Interlocked.Read(ref _done), Interlocked.Read(ref _total), Volatile.Read(ref _filesDone));
        if (now != last && _rpc is not null)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"org.osbuild.files: {now.Item3}/{_files} files");
            // A notification: nothing waits for the host, and a host that closed the channel
            // cannot fail the download (progress is a courtesy).
            cancellationToken.ThrowIfCancellationRequested();
            _rpc.Services.Progress(new ProgressNotification(now.Item1, now.Item2, message));
            await Task.CompletedTask.ConfigureAwait(false);
        }

        return now;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_rpc is not null)
        {
            await SendIfChangedAsync((-1, -1, -1), CancellationToken.None).ConfigureAwait(false);
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
