using System.Text.Json;

namespace Engine.Protocol.Sdk;

/// <summary>
/// What a running stage or assembler sees: its arguments (from stdin) and the host's services
/// (over fd 3). Created by <see cref="PluginRunner"/>; the channel is opened on first use, so a
/// plugin that never calls the host never touches fd 3.
/// </summary>
public sealed class PluginContext : IAsyncDisposable
{
    private readonly Func<RpcClient?> _connect;
    private RpcClient? _rpc;
    private bool _connected;

    /// <summary>Creates a context for the given arguments and channel factory.</summary>
    public PluginContext(string name, PluginArguments arguments, Func<RpcClient?> connect)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(arguments);
        Name = name;
        Arguments = arguments;
        _connect = connect;
    }

    /// <summary>The plugin's reverse-DNS name.</summary>
    public string Name { get; }

    /// <summary>The arguments JSON as read from stdin.</summary>
    public PluginArguments Arguments { get; }

    /// <summary>The options object (an empty object when the manifest gave none).</summary>
    public JsonElement Options => Arguments.Options;

    /// <summary>Path of the tree (read-write for stages, read-only for assemblers).</summary>
    public string Tree => Arguments.Tree;

    /// <summary>The assembler's output directory.</summary>
    /// <exception cref="PluginFailedException">Called from a stage.</exception>
    public string OutputDir => Arguments.OutputDir ?? throw new PluginFailedException($"{Name}: no output_dir in the arguments; only assemblers have one");

    /// <summary>Path under which source <paramref name="source"/> placed its files.</summary>
    public string SourceDirectory(string source) => Path.Combine(Arguments.Sources ?? "/run/osbuild/sources", source);

    private RpcClient Rpc
    {
        get
        {
            if (!_connected)
            {
                _rpc = _connect();
                _connected = true;
            }

            return _rpc ?? throw new PluginFailedException(
                $"{Name}: the host offers no RPC channel ({ProtocolConstants.RpcFdEnvironmentVariable} is not set); run the plugin through the osbuild host");
        }
    }

    /// <summary>Asks the host to fetch <paramref name="checksums"/> through <paramref name="source"/>.</summary>
    /// <returns>The source's reply (an object for org.osbuild.files, an array of repos for org.osbuild.dnf).</returns>
    /// <exception cref="RpcErrorException">The source failed; the message is the source's.</exception>
    public Task<JsonElement> GetSourcesAsync(string source, IReadOnlyList<string> checksums, CancellationToken cancellationToken)
        => Rpc.InvokeAsync(MethodNames.SourcesGet, new SourcesGetRequest(source, checksums), ProtocolJsonContext.Default.SourcesGetRequest, cancellationToken);

    /// <summary>Binds a loop device to <paramref name="request"/>'s file (assemblers only).</summary>
    /// <exception cref="RpcErrorException">No device could be attached.</exception>
    public async Task<LoopAttachResult> AttachLoopAsync(LoopAttachRequest request, CancellationToken cancellationToken)
    {
        JsonElement result = await Rpc.InvokeAsync(MethodNames.LoopAttach, request, ProtocolJsonContext.Default.LoopAttachRequest, cancellationToken).ConfigureAwait(false);
        return result.Deserialize(ProtocolJsonContext.Default.LoopAttachResult)
            ?? throw new IOException($"{MethodNames.LoopAttach}: the host sent an empty result");
    }

    /// <summary>Detaches a device obtained from <see cref="AttachLoopAsync"/>.</summary>
    public Task DetachLoopAsync(string devName, CancellationToken cancellationToken)
        => Rpc.InvokeAsync(MethodNames.LoopDetach, new LoopDetachRequest(devName), ProtocolJsonContext.Default.LoopDetachRequest, cancellationToken);

    /// <summary>Reports progress; silently dropped when the host gave no channel.</summary>
    public Task ReportProgressAsync(long current, long total, string? message, CancellationToken cancellationToken)
        => TryNotifyAsync(MethodNames.Progress, new ProgressNotification(current, total, message), ProtocolJsonContext.Default.ProgressNotification, cancellationToken);

    /// <summary>Sends a structured log line; printed to stderr when the host gave no channel.</summary>
    public Task LogAsync(string level, string message, CancellationToken cancellationToken)
    {
        if (!HasChannel)
        {
            Console.Error.WriteLine($"{level}: {message}");
            return Task.CompletedTask;
        }

        return TryNotifyAsync(MethodNames.Log, new LogNotification(level, message), ProtocolJsonContext.Default.LogNotification, cancellationToken);
    }

    private bool HasChannel
    {
        get
        {
            if (!_connected)
            {
                _rpc = _connect();
                _connected = true;
            }

            return _rpc is not null;
        }
    }

    private Task TryNotifyAsync<T>(string method, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        => HasChannel ? _rpc!.NotifyAsync(method, value, typeInfo, cancellationToken) : Task.CompletedTask;

    /// <summary>Closes the channel if it was opened.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_rpc is not null)
        {
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }
    }
}
