using System.Text;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Worker;

/// <summary>
/// Sends one attempt's log and progress to the API from one loop: at most every half second, at
/// once when a stage starts or ends. Log bytes stay buffered until the API confirms them, and each
/// chunk names its offset, so a lost answer or an API restart neither loses nor repeats a line. The
/// API's answer to a progress report can tell the worker to stop (the build was cancelled, or another
/// worker took it over).
/// </summary>
internal sealed class AttemptReporter : IAsyncDisposable
{
    private const int MaxChunk = 1 << 20;
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(500);

    // Progress is sent again this often even when unchanged: its answer is how the worker hears of
    // a cancellation between two stage events (Hangfire's own check is the slower second path).
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(2);

    private readonly WorkerApiClient _api;
    private readonly string _buildId;
    private readonly int _attempt;
    private readonly Action<string> _onStop;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly List<byte> _pending = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _confirmed;
    private BuildProgress? _progress;
    private bool _progressChanged;
    private DateTimeOffset _progressSent = DateTimeOffset.MinValue;

    public AttemptReporter(WorkerApiClient api, string buildId, int attempt, Action<string> onStop, ILogger log)
    {
        _api = api;
        _buildId = buildId;
        _attempt = attempt;
        _onStop = onStop;
        _log = log;
        _loop = Task.Run(LoopAsync);
    }

    public void Log(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            _pending.AddRange(bytes);
        }
    }

    public void Progress(BuildProgress progress, bool urgent)
    {
        lock (_gate)
        {
            _progress = progress;
            _progressChanged = true;
        }

        if (urgent)
        {
            _wake.Release();
        }
    }

    /// <summary>Stops the loop and sends everything still buffered; throws if the API cannot take it.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
        await FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(s_interval, _stopping.Token);
                await FlushAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiUnreachableException or InvalidOperationException or HttpRequestException)
            {
                // Reports during the build are best effort: what was not confirmed is sent again later.
                _log.LogWarning("build {Build} attempt {Attempt}: report to the API failed: {Message}", _buildId, _attempt, e.Message);
            }
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[] chunk;
            long offset;
            lock (_gate)
            {
                chunk = [.. _pending.Take(MaxChunk)];
                offset = _confirmed;
            }

            if (chunk.Length == 0)
            {
                break;
            }

            long length = await _api.AppendLogAsync(_buildId, _attempt, offset, chunk, cancellationToken);
            lock (_gate)
            {
                int taken = (int)Math.Clamp(length - _confirmed, 0, _pending.Count);
                _pending.RemoveRange(0, taken);
                _confirmed += taken;
            }
        }

        BuildProgress? progress;
        lock (_gate)
        {
            progress = _progressChanged || DateTimeOffset.UtcNow - _progressSent > s_poll ? _progress : null;
            _progressChanged = false;
        }

        if (progress is not null)
        {
            _progressSent = DateTimeOffset.UtcNow;
            AttemptDirective directive = await _api.ReportProgressAsync(_buildId, _attempt, progress, cancellationToken);
            if (directive.Stop)
            {
                _onStop(directive.Reason ?? "the API asked to stop");
            }
        }
    }
}
