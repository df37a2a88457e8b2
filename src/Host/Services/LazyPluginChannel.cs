using System.Net.Sockets;
using Engine.Host.Isolation;

namespace Engine.Host.Services;

/// <summary>
/// Serves a plugin's fd 3 only from the moment the plugin writes to it. Most stages never talk to
/// the host, and StreamJsonRpc's first use in a process costs 130-150 ms of CPU (loading and
/// compiling its generic paths; docs/performance.md): the largest single cost of a short build.
/// Until then the host end only waits for readability (a 1-byte <c>MSG_PEEK</c>, which consumes
/// nothing); EOF without a byte means the plugin never used the channel.
/// </summary>
public sealed class LazyPluginChannel : IPluginChannel
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Task _completion;
    private IPluginChannel? _served;
    private bool _disposed;

    private LazyPluginChannel(NetworkStream stream, Func<Stream, IPluginChannel> serve)
        => _completion = WaitThenServeAsync(stream, serve);

    public Task Completion => _completion;

    public string? Failure => _served?.Failure;

    /// <param name="stream">The host end of the socket pair.</param>
    /// <param name="serve">Starts the real channel on <paramref name="stream"/> once the plugin has written.</param>
    /// <exception cref="ArgumentException">The stream is not a socket, so readability cannot be awaited without reading.</exception>
    public static LazyPluginChannel Serve(Stream stream, Func<Stream, IPluginChannel> serve)
    {
        ArgumentNullException.ThrowIfNull(serve);
        NetworkStream socket = stream as NetworkStream
            ?? throw new ArgumentException($"the plugin channel must be a socket (NetworkStream), not {stream?.GetType().Name ?? "null"}", nameof(stream));
        return new LazyPluginChannel(socket, serve);
    }

    private async Task WaitThenServeAsync(NetworkStream stream, Func<Stream, IPluginChannel> serve)
    {
        byte[] probe = new byte[1];
        int received;
        try
        {
            received = await stream.Socket.ReceiveAsync(probe, SocketFlags.Peek, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return; // disposed before the plugin wrote, or the socket broke: nothing to serve
        }

        IPluginChannel served;
        lock (_lock)
        {
            if (received == 0 || _disposed)
            {
                return;
            }

            served = _served = serve(stream);
        }

        await served.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        IPluginChannel? served;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            served = _served;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (served is not null)
        {
            await served.DisposeAsync().ConfigureAwait(false);
        }

        await _completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
