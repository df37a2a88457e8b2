using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Engine.Host.Services;

/// <summary>
/// The host end of one plugin's fd 3: JSON-RPC 2.0, one UTF-8 JSON message per line, served by
/// StreamJsonRpc. Lives exactly as long as the plugin run. A plugin that sends garbage only loses
/// its own channel; the failure is kept and reported as the stage's failure.
/// </summary>
public sealed class PluginChannel : IPluginChannel
{
    private readonly JsonRpc _rpc;
    private readonly LineStartRecorder _recorder;
    private readonly Task _completion;
    private string? _failure;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Never reached in the NativeAOT front end: it hands over to the managed host before any container runs (Cli/ManagedHost).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Never reached in the NativeAOT front end: it hands over to the managed host before any container runs (Cli/ManagedHost).")]
    private PluginChannel(Stream stream, IHostServices services, ContainerContext container)
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new InvalidOperationException("internal error: the NativeAOT front end cannot serve a plugin channel; it must hand over to the managed host first");
        }

        var formatter = new SystemTextJsonFormatter();
        _recorder = new LineStartRecorder(stream);
        var handler = new NewLineDelimitedMessageHandler(stream, _recorder, formatter);
        _rpc = new JsonRpc(handler);
        _rpc.AddLocalRpcTarget(new Target(services, container), new JsonRpcTargetOptions { DisposeOnDisconnect = false });
        _rpc.Disconnected += OnDisconnected;
        _rpc.StartListening();
        _completion = DrainAsync();
    }

    /// <summary>Completes when the plugin's end is closed and every message it sent has been handled.</summary>
    public Task Completion => _completion;

    /// <summary>Why the channel broke, when the plugin is to blame (garbage, not plain EOF).</summary>
    public string? Failure => _failure;

    public static PluginChannel Serve(Stream stream, IHostServices services, ContainerContext container)
        => new(stream, services, container);

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

    /// <summary>The methods of docs/protocol.md.</summary>
    private sealed class Target(IHostServices services, ContainerContext container)
    {
        public ContainerContext Container => container;

        [JsonRpcMethod(MethodNames.SourcesGet, UseSingleObjectParameterDeserialization = true)]
        public Task<JsonElement> GetSourcesAsync(SourcesGetRequest request, CancellationToken cancellationToken)
        {
            if (request is null || string.IsNullOrEmpty(request.Source) || request.Checksums is null)
            {
                throw InvalidRequest($"{MethodNames.SourcesGet} needs {{\"source\": name, \"checksums\": [..]}}");
            }

            if (container.Plugin.Kind != Plugins.PluginKind.Stage)
            {
                throw new LocalRpcException($"{MethodNames.SourcesGet} is offered to stages only") { ErrorCode = (int)ErrorCodes.NotAvailable };
            }

            return services.GetSourcesAsync(request, cancellationToken);
        }

        [JsonRpcMethod(MethodNames.LoopAttach, UseSingleObjectParameterDeserialization = true)]
        public LoopAttachResult AttachLoop(LoopAttachRequest request)
        {
            if (request is null || string.IsNullOrEmpty(request.FileName))
            {
                throw InvalidRequest($"{MethodNames.LoopAttach} needs {{\"filename\": path}}");
            }

            if (container.Plugin.Kind != Plugins.PluginKind.Assembler)
            {
                throw new LocalRpcException($"{MethodNames.LoopAttach} is offered to assemblers only") { ErrorCode = (int)ErrorCodes.NotAvailable };
            }

            return services.AttachLoop(request, container);
        }

        [JsonRpcMethod(MethodNames.LoopDetach, UseSingleObjectParameterDeserialization = true)]
        public void DetachLoop(LoopDetachRequest request)
        {
            if (request is null || string.IsNullOrEmpty(request.DevName))
            {
                throw InvalidRequest($"{MethodNames.LoopDetach} needs {{\"devname\": name}}");
            }

            services.DetachLoop(request);
        }

        [JsonRpcMethod(MethodNames.Progress, UseSingleObjectParameterDeserialization = true)]
        public void Progress(ProgressNotification progress)
        {
            if (progress is not null)
            {
                services.ReportProgress(progress);
            }
        }

        [JsonRpcMethod(MethodNames.Log, UseSingleObjectParameterDeserialization = true)]
        public void Log(LogNotification log)
        {
            if (log is null)
            {
                return;
            }

            if (!LogLevels.IsKnown(log.Level))
            {
                // A notification gets no error reply, so the user is told instead; a request gets both.
                string problem = $"{container.Plugin.Name} sent a log line with level \"{log.Level}\"; the levels are {LogLevels.Listed}";
                services.Log(new LogNotification(LogLevels.Warning, $"{problem}: {log.Message}"));
                container.Output?.AppendLog(LogLevels.Warning, $"{problem}: {log.Message}");
                throw new LocalRpcException(problem) { ErrorCode = (int)JsonRpcErrorCode.InvalidParams };
            }

            services.Log(log);
            container.Output?.AppendLog(log.Level, log.Message);
        }

        private static LocalRpcException InvalidRequest(string message)
            => new(message) { ErrorCode = (int)ErrorCodes.InvalidRequest };
    }
}
