using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Engine.Protocol;

/// <summary>
/// The fd-3 channel as both ends build it: JSON-RPC 2.0 with one UTF-8 JSON message per line,
/// ended by a bare <c>\n</c> (StreamJsonRpc's default would be <c>\r\n</c>), and every value
/// serialized through <see cref="ProtocolJsonContext"/>, never by reflection (NativeAOT).
/// </summary>
public static class HostChannel
{
    /// <summary>The message handler for one end of the channel.</summary>
    public static NewLineDelimitedMessageHandler CreateHandler(IDuplexPipe pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        return new NewLineDelimitedMessageHandler(pipe, CreateFormatter())
        {
            NewLine = NewLineDelimitedMessageHandler.NewLineStyle.Lf,
        };
    }

    /// <summary>
    /// The client end: a <see cref="JsonRpc"/> on <paramref name="pipe"/> and the generated proxy of
    /// <see cref="IHostServices"/>, sending each request's record as the whole <c>params</c> object.
    /// </summary>
    /// <returns>The connection (call <see cref="FlushAsync"/>, then dispose it, to close the channel) and the services it reaches.</returns>
    // The analyzer sees Attach<T>, which builds proxies with Reflection.Emit; the compiled call is
    // not that one: EnableStreamJsonRpcInterceptors rewrites it to `new` of the proxy that
    // StreamJsonRpc's source generator made for IHostServices (ContractTests run it under NativeAOT).
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Intercepted: the source-generated proxy is created, no code is emitted.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Intercepted: the source-generated proxy is created, no code is emitted.")]
    public static (JsonRpc Connection, IHostServices Services) Connect(IDuplexPipe pipe)
    {
        var rpc = new ParamsObjectJsonRpc(CreateHandler(pipe));
        IHostServices services = rpc.Attach<IHostServices>(new JsonRpcProxyOptions { ServerRequiresNamedArguments = true });
        rpc.StartListening();
        return (rpc, services);
    }

    // SystemTextJsonFormatter is marked as needing dynamic code because it CAN reflect over untyped
    // arguments, IProgress<T>, IAsyncEnumerable<T> and marshalable objects. The contract uses none
    // of those, and reflection-based serialization is off, so every value goes through the
    // source-generated context (ContractTests exercise every method under both ends).
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Every value goes through the source-generated ProtocolJsonContext.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Every value goes through the source-generated ProtocolJsonContext.")]
    private static SystemTextJsonFormatter CreateFormatter() => new()
    {
        JsonSerializerOptions = new JsonSerializerOptions
        {
            TypeInfoResolver = ProtocolJsonContext.Default,

            // The context's own options govern only ProtocolJsonContext.Default.Options.
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        },
    };

    /// <summary>
    /// Waits until every message sent on a connection made by <see cref="Connect"/> is written,
    /// notifications included: the proxy sends those without handing out their task, and a plugin
    /// that reports progress or logs just before it exits must not lose the line.
    /// </summary>
    public static Task FlushAsync(JsonRpc connection)
        => connection is ParamsObjectJsonRpc client ? client.FlushAsync() : Task.CompletedTask;

    /// <summary>
    /// StreamJsonRpc's generated proxy sends <c>{"request": {...}}</c> (named arguments) or
    /// <c>[{...}]</c> (positional); the protocol's params are the record itself, as Python sends
    /// them. This unwraps the one named argument. <c>$/cancelRequest</c>'s <c>{"id": n}</c> is a
    /// one-member object too and is left alone. It also keeps the last send, for <see cref="FlushAsync()"/>.
    /// </summary>
    private sealed class ParamsObjectJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
    {
        private readonly Lock _lock = new();
        private Task _lastSend = Task.CompletedTask;

        /// <summary>Completes when everything sent so far is written (sends are serialized, so the last one is enough).</summary>
        public Task FlushAsync()
        {
            lock (_lock)
            {
                return _lastSend;
            }
        }

        protected override ValueTask SendAsync(JsonRpcMessage message, CancellationToken cancellationToken)
        {
            if (message is JsonRpcRequest { NamedArguments: { Count: 1 } named } request
                && request.Method?.StartsWith("$/", StringComparison.Ordinal) == false)
            {
                foreach (KeyValuePair<string, object?> only in named)
                {
                    request.Arguments = only.Value;
                }
            }

            Task send = base.SendAsync(message, cancellationToken).AsTask();
            lock (_lock)
            {
                Task previous = _lastSend;
                _lastSend = Task.WhenAll(previous, send).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return new ValueTask(send);
        }
    }
}
