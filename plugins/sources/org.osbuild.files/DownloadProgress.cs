using System.Globalization;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// Bytes done and bytes expected across all parallel downloads, sent as <c>progress</c>
/// notifications through <see cref="SourceReporter"/> when the host gave a channel; without one
/// this only counts. Notifications are sent from one loop a few times a second rather than per chunk, so a
/// fast download is not slowed by its own reporting. The total grows as servers announce lengths.
/// </summary>
internal sealed class DownloadProgress : IAsyncDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);

    private readonly SourceReporter _reporter;
    private readonly int _files;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _done;
    private long _total;
    private int _filesDone;

    private DownloadProgress(SourceReporter reporter, int files)
    {
        _reporter = reporter;
        _files = files;
        _loop = reporter.HasChannel ? Task.Run(SendLoopAsync) : Task.CompletedTask;
    }

    public static DownloadProgress Start(int files) => new(SourceReporter.FromEnvironment(), files);

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
        if (now != last && _reporter.HasChannel)
        {
            string message = string.Create(CultureInfo.InvariantCulture, $"org.osbuild.files: {now.Item3}/{_files} files");
            // A notification: nothing waits for the host, and a host that closed the channel
            // cannot fail the download (progress is a courtesy).
            await _reporter.ReportProgressAsync(now.Item1, now.Item2, message, cancellationToken).ConfigureAwait(false);
        }

        return now;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await SendIfChangedAsync((-1, -1, -1), CancellationToken.None).ConfigureAwait(false);
        await _reporter.DisposeAsync().ConfigureAwait(false);

        _stop.Dispose();
    }
}
