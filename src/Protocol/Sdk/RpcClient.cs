using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Engine.Protocol.Sdk;

/// <summary>
/// A small JSON-RPC 2.0 client for the plugin side of fd 3: one UTF-8 JSON message per line.
/// Written by hand (instead of StreamJsonRpc) because it must stay NativeAOT- and trim-safe and
/// because it is the reference for clients in other languages (docs/protocol.md).
/// </summary>
public sealed class RpcClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, (string Method, TaskCompletionSource<JsonElement> Completion)> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly StreamReader _reader;
    private readonly Task _readLoop;
    private long _nextId;

    /// <summary>Speaks JSON-RPC over <paramref name="stream"/>, which the client owns.</summary>
    public RpcClient(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        // Made here, not in the read loop: a plugin that only notifies and returns at once may
        // dispose the stream before the loop's first line runs (pinned by the scaffolded C#
        // assembler's test, which ends with a log notification).
        _reader = new StreamReader(stream, new UTF8Encoding(false), false, 65536, leaveOpen: true);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Opens the descriptor named by <c>OSBUILD_RPC_FD</c>; null when the host gave none.</summary>
    public static RpcClient? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(ProtocolConstants.RpcFdEnvironmentVariable);
        if (string.IsNullOrEmpty(value) || !int.TryParse(value, out int fd))
        {
            return null;
        }

        var socket = new Socket(new SafeSocketHandle((IntPtr)fd, ownsHandle: true));
        return new RpcClient(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Completes when the host closes the channel.</summary>
    public Task Completion => _readLoop;

    /// <summary>Calls <paramref name="method"/> and returns the raw result.</summary>
    /// <exception cref="RpcErrorException">The host answered with an error.</exception>
    /// <exception cref="IOException">The channel closed before the answer arrived.</exception>
    public async Task<JsonElement> InvokeAsync<TParams>(
        string method, TParams parameters, JsonTypeInfo<TParams> typeInfo, CancellationToken cancellationToken)
    {
        long id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = (method, completion);
        try
        {
            await WriteMessageAsync(method, id, parameters, typeInfo, cancellationToken).ConfigureAwait(false);
            if (_readLoop.IsCompleted)
            {
                throw new IOException($"{method}: the host closed the RPC channel (fd 3)");
            }

            return await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a notification; no answer is expected.</summary>
    public Task NotifyAsync<TParams>(
        string method, TParams parameters, JsonTypeInfo<TParams> typeInfo, CancellationToken cancellationToken)
        => WriteMessageAsync(method, null, parameters, typeInfo, cancellationToken);

    private async Task WriteMessageAsync<TParams>(
        string method, long? id, TParams parameters, JsonTypeInfo<TParams> typeInfo, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            if (id is long value)
            {
                writer.WriteNumber("id", value);
            }

            writer.WriteString("method", method);
            writer.WritePropertyName("params");
            JsonSerializer.Serialize(writer, parameters, typeInfo);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            using StreamReader reader = _reader;
            while (await reader.ReadLineAsync(_closing.Token).ConfigureAwait(false) is string line)
            {
                if (line.Length > 0)
                {
                    Dispatch(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException or OperationCanceledException
            or InvalidOperationException)
        {
            // InvalidOperationException: a pipe-backed stream (Nerdbank.Streams in tests) that
            // DisposeAsync completed while a read was starting; the channel is closed either way.
            failure = e;
        }

        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetException(new IOException("the host closed the RPC channel (fd 3)", failure));
        }
    }

    private void Dispatch(string line)
    {
        using var document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.Number
            || !_pending.TryGetValue(idElement.GetInt64(), out var pending))
        {
            return; // notifications from the host are not part of protocol version 1
        }

        if (root.TryGetProperty("error", out JsonElement error))
        {
            int code = error.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
            string message = error.TryGetProperty("message", out JsonElement m) ? m.ToString() : "unknown error";
            pending.Completion.TrySetException(new RpcErrorException(code, pending.Method, message));
            return;
        }

        pending.Completion.TrySetResult(root.TryGetProperty("result", out JsonElement result) ? result.Clone() : default);
    }

    /// <summary>Closes the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // the channel is being closed by us; nothing is pending any more
        }

        _writeLock.Dispose();
        _closing.Dispose();
    }
}
