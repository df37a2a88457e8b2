using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Engine.Host.Services;

/// <summary>
/// The host end of one plugin's fd 3: the <see cref="IHostServices"/> contract served by
/// StreamJsonRpc, configured as the SDK's end is (<see cref="HostChannel"/>). Lives exactly as long
/// as the plugin run. A plugin that sends garbage only loses its own channel; the failure is kept
/// and reported as the stage's failure, quoting what the plugin wrote.
/// </summary>
public sealed class PluginChannel : IPluginChannel
{
    private static readonly RpcTargetMetadata s_contract = RpcTargetMetadata.FromShape<IHostServices>();
    private readonly JsonRpc _rpc;
    private readonly LineStartRecorder _recorder;
    private readonly Task _completion;
    private string? _failure;

    private PluginChannel(Stream stream, IHostServices endpoint)
    {
        _recorder = new LineStartRecorder(stream);
        _rpc = new PlainErrorsJsonRpc(HostChannel.CreateHandler(_recorder.UsePipe()));
        _rpc.AddLocalRpcTarget(s_contract, endpoint, new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        _rpc.Disconnected += OnDisconnected;
        _rpc.StartListening();
        _completion = DrainAsync();
    }

    /// <summary>Completes when the plugin's end is closed and every message it sent has been handled.</summary>
    public Task Completion => _completion;

    /// <summary>Why the channel broke, when the plugin is to blame (garbage, not plain EOF).</summary>
    public string? Failure => _failure;

    /// <summary>Serves the services of one plugin run in <paramref name="container"/> on <paramref name="stream"/>.</summary>
    internal static PluginChannel Serve(Stream stream, IRunServices services, ContainerContext container)
        => new(stream, new PluginEndpoint(services, container));

    /// <summary>Serves any implementation of the contract (for tests of both ends).</summary>
    public static PluginChannel Serve(Stream stream, IHostServices endpoint) => new(stream, endpoint);

    // The reader finishes (Completion) before the last notifications are dispatched: wait for
    // those too, so that a final progress report is not delivered after the run has ended.
    private async Task DrainAsync()
    {
        try
        {
            await _rpc.Completion.ConfigureAwait(false);
        }
        finally
        {
            await _rpc.DispatchCompletion.ConfigureAwait(false);
        }
    }

    private void OnDisconnected(object? sender, JsonRpcDisconnectedEventArgs e)
    {
        if (e.Reason is DisconnectedReason.ParseError or DisconnectedReason.StreamError)
        {
            // The parser's own description names .NET types; what the plugin wrote helps its author more.
            _failure = $"wrote something that is not JSON-RPC on fd 3 (first bytes: {_recorder.LastLineStart()}); fd 3 carries only JSON-RPC messages, one per line (docs/protocol.md §3)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        try
        {
            await _rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The channel's end is reported through Failure; nothing else waits for it.
        }
    }

    /// <summary>
    /// Errors that are not the services' own (a <c>params</c> member of the wrong type, a host bug)
    /// would reach the plugin with .NET type names and a stack trace in <c>data</c>; they get a
    /// plain message and a protocol code instead.
    /// </summary>
    private sealed class PlainErrorsJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
    {
        protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
        {
            if (exception is LocalRpcException)
            {
                return base.CreateErrorDetails(request, exception);
            }

            Exception inner = exception.InnerException ?? exception;
            string message = inner is JsonException json
                ? $"{request.Method}: params{json.Path?.TrimStart('$')} does not have the type docs/protocol.md gives it"
                : $"{request.Method} failed in the host: {inner.Message}";
            return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)(int)ErrorCodes.InvalidRequest, Message = message };
        }
    }
}
