using System.IO.Pipelines;
using System.Net.Sockets;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace Engine.Protocol.Sdk;

/// <summary>
/// The plugin's end of fd 3: the host's <see cref="IHostServices"/>, reached through StreamJsonRpc's
/// generated proxy, so that the plugin and the host share one typed contract. Errors from the host
/// arrive as <see cref="RpcErrorException"/> through <see cref="PluginContext"/>; this class only
/// owns the connection.
/// </summary>
public sealed class HostConnection : IAsyncDisposable
{
    private readonly JsonRpc _rpc;

    /// <summary>Speaks the protocol over <paramref name="pipe"/>, which the connection then owns.</summary>
    public HostConnection(IDuplexPipe pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        (_rpc, Services) = HostChannel.Connect(pipe);
    }

    /// <summary>The host's services.</summary>
    public IHostServices Services { get; }

    /// <summary>Completes when the channel closes (the host went away, or <see cref="DisposeAsync"/>).</summary>
    public Task Completion => _rpc.Completion;

    /// <summary>Opens the descriptor named by <c>OSBUILD_RPC_FD</c>; null when the host gave none.</summary>
    public static HostConnection? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(ProtocolConstants.RpcFdEnvironmentVariable);
        if (string.IsNullOrEmpty(value) || !int.TryParse(value, out int fd))
        {
            return null;
        }

        var socket = new Socket(new SafeSocketHandle((IntPtr)fd, ownsHandle: true));
        return new HostConnection(new NetworkStream(socket, ownsSocket: true).UsePipe());
    }

    /// <summary>Closes the channel; notifications sent before are delivered first.</summary>
    public async ValueTask DisposeAsync()
    {
        await HostChannel.FlushAsync(_rpc).ConfigureAwait(false);
        _rpc.Dispose();
        try
        {
            await _rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionLostException or ObjectDisposedException or IOException)
        {
            // the channel is being closed by us; nothing is pending any more
        }
    }
}
