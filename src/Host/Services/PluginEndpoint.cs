using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Host.Plugins;
using Engine.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Engine.Host.Services;

/// <summary>
/// The host's side of the fd-3 contract for one plugin run: checks each request (fields present,
/// method offered to this kind of plugin), hands it to the run's services, and keeps the plugin's
/// log lines in the run's output. Errors go back as <see cref="LocalRpcException"/> with the codes
/// of docs/protocol.md §3.6.
/// </summary>
internal sealed class PluginEndpoint(IRunServices services, ContainerContext container) : IHostServices
{
    public Task<JsonElement> SourcesGetAsync(SourcesGetRequest request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.Source) || request.Checksums is null)
        {
            throw InvalidRequest($"{MethodNames.SourcesGet} needs {{\"source\": name, \"checksums\": [..]}}");
        }

        if (container.Plugin.Kind != PluginKind.Stage)
        {
            throw NotAvailable($"{MethodNames.SourcesGet} is offered to stages only");
        }

        return services.GetSourcesAsync(request, cancellationToken);
    }

    public Task<LoopAttachResult> LoopAttachAsync(LoopAttachRequest request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.FileName))
        {
            throw InvalidRequest($"{MethodNames.LoopAttach} needs {{\"filename\": path}}");
        }

        if (container.Plugin.Kind != PluginKind.Assembler)
        {
            throw NotAvailable($"{MethodNames.LoopAttach} is offered to assemblers only");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(services.AttachLoop(request, container));
    }

    public Task LoopDetachAsync(LoopDetachRequest request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.DevName))
        {
            throw InvalidRequest($"{MethodNames.LoopDetach} needs {{\"devname\": name}}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        services.DetachLoop(request);
        return Task.CompletedTask;
    }

    public void Progress(ProgressNotification progress)
    {
        if (progress is not null)
        {
            services.ReportProgress(progress);
        }
    }

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

    private static LocalRpcException InvalidRequest(string message) => new(message) { ErrorCode = (int)ErrorCodes.InvalidRequest };

    private static LocalRpcException NotAvailable(string message) => new(message) { ErrorCode = (int)ErrorCodes.NotAvailable };
}
