using System.Text.Json;
using StreamJsonRpc;

namespace Engine.Protocol.Sdk;

/// <summary>
/// What a running stage or assembler sees: its arguments (from stdin) and the host's services
/// (over fd 3). Created by <see cref="PluginRunner"/>; the channel is opened on first use, so a
/// plugin that never calls the host never touches fd 3.
/// </summary>
public sealed class PluginContext : IAsyncDisposable
{
    private readonly Func<HostConnection?> _connect;
    private HostConnection? _connection;
    private bool _connected;

    /// <summary>Creates a context for the given arguments and channel factory.</summary>
    public PluginContext(string name, PluginArguments arguments, Func<HostConnection?> connect)
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
    public string SourceDirectory(string source) => Path.Combine(Arguments.Sources ?? ContainerPaths.Sources, source);

    private IHostServices Host
    {
        get
        {
            if (!HasChannel)
            {
                throw new PluginFailedException(
                    $"{Name}: the host offers no RPC channel ({ProtocolConstants.RpcFdEnvironmentVariable} is not set); run the plugin through the osbuild host");
            }

            return _connection!.Services;
        }
    }

    private bool HasChannel
    {
        get
        {
            if (!_connected)
            {
                _connection = _connect();
                _connected = true;
            }

            return _connection is not null;
        }
    }

    /// <summary>Asks the host to fetch <paramref name="checksums"/> through <paramref name="source"/>.</summary>
    /// <returns>The source's reply (an object for org.osbuild.files, an array of repos for org.osbuild.dnf).</returns>
    /// <exception cref="RpcErrorException">The source failed; the message is the source's.</exception>
    public Task<JsonElement> GetSourcesAsync(string source, IReadOnlyList<string> checksums, CancellationToken cancellationToken)
        => CallAsync(MethodNames.SourcesGet, () => Host.SourcesGetAsync(new SourcesGetRequest(source, checksums), cancellationToken));

    /// <summary>Binds a loop device to <paramref name="request"/>'s file (assemblers only).</summary>
    /// <exception cref="RpcErrorException">No device could be attached.</exception>
    public Task<LoopAttachResult> AttachLoopAsync(LoopAttachRequest request, CancellationToken cancellationToken)
        => CallAsync(MethodNames.LoopAttach, () => Host.LoopAttachAsync(request, cancellationToken));

    /// <summary>Detaches a device obtained from <see cref="AttachLoopAsync"/>.</summary>
    /// <exception cref="RpcErrorException">The device could not be detached.</exception>
    public Task DetachLoopAsync(string devName, CancellationToken cancellationToken)
        => CallAsync(MethodNames.LoopDetach, async () =>
        {
            await Host.LoopDetachAsync(new LoopDetachRequest(devName), cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Reports progress; silently dropped when the host gave no channel.</summary>
    public Task ReportProgressAsync(long current, long total, string? message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (HasChannel)
        {
            _connection!.Services.Progress(new ProgressNotification(current, total, message));
        }

        return Task.CompletedTask;
    }

    /// <summary>Sends a structured log line; printed to stderr when the host gave no channel.</summary>
    public Task LogAsync(string level, string message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (HasChannel)
        {
            _connection!.Services.Log(new LogNotification(level, message));
        }
        else
        {
            Console.Error.WriteLine($"{level}: {message}");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs a request; the host's JSON-RPC error becomes <see cref="RpcErrorException"/> naming the
    /// method, and a channel the host closed becomes <see cref="IOException"/>.
    /// </summary>
    private static async Task<T> CallAsync<T>(string method, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RemoteInvocationException e)
        {
            throw new RpcErrorException(e.ErrorCode, method, e.Message);
        }
        catch (ConnectionLostException e)
        {
            throw new IOException($"{method}: the host closed the RPC channel (fd 3)", e);
        }
    }

    /// <summary>Closes the channel if it was opened.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
