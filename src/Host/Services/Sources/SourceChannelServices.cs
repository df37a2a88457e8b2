using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Host.Plugins;
using Engine.Protocol;
using StreamJsonRpc;

namespace Engine.Host.Services.Sources;

/// <summary>
/// What a sources program reaches over fd 3 (docs/protocol.md 5): its <c>progress</c> and <c>log</c>
/// notifications are passed on (<see cref="RunServices"/> hands them to the reporter as coming from
/// the stage whose <c>sources.get</c> started the program), and its requests (<c>sources.get</c>,
/// <c>loop.*</c>) are refused with <see cref="ErrorCodes.NotAvailable"/>. A source may not fetch
/// through sources (one asking for itself would never end), and it runs on the host, outside any
/// container, so there is no /dev to put a loop device in. <see cref="PluginChannel"/> already
/// refuses <c>sources.get</c> and <c>loop.attach</c> by the plugin kind in <see cref="Context"/>;
/// this class refuses them as well, so that it is safe on its own.
/// </summary>
internal sealed class SourceChannelServices : IRunServices
{
    private readonly string _sourceName;
    private readonly Action<ProgressNotification>? _progress;
    private readonly Action<LogNotification>? _log;

    /// <param name="sourceName">The source's name, for messages.</param>
    /// <param name="progress">Receives each progress notification; null drops them.</param>
    /// <param name="log">Receives each log notification; null drops them.</param>
    public SourceChannelServices(string sourceName, Action<ProgressNotification>? progress, Action<LogNotification>? log)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        _sourceName = sourceName;
        _progress = progress;
        _log = log;
    }

    /// <summary>Serves the channel but drops what arrives on it.</summary>
    public static SourceChannelServices Discarding(string sourceName) => new(sourceName, null, null);

    /// <summary>
    /// The context <see cref="PluginChannel.Serve"/> needs for a source: the program as a plugin of
    /// kind <see cref="PluginKind.Source"/>, with no container behind it (no /dev, no writable mounts).
    /// </summary>
    /// <param name="executablePath">The program, <c>&lt;root&gt;/sources/&lt;name&gt;</c>.</param>
    public static ContainerContext Context(string sourceName, string executablePath)
    {
        string full = Path.GetFullPath(executablePath);
        string root = Path.GetDirectoryName(Path.GetDirectoryName(full)) ?? "/";
        return new ContainerContext(DevDirectory: "", WritableMounts: [], new PluginInfo(sourceName, PluginKind.Source, root, full, Meta: null));
    }

    public Task<JsonElement> GetSourcesAsync(SourcesGetRequest request, CancellationToken cancellationToken)
        => throw NotAvailable($"{MethodNames.SourcesGet} is offered to stages only, and {_sourceName} is a source: it must fetch what it needs itself");

    public LoopAttachResult AttachLoop(LoopAttachRequest request, ContainerContext container)
        => throw NotAvailable($"{MethodNames.LoopAttach} is offered to assemblers only, and {_sourceName} is a source, which runs outside any container");

    public void DetachLoop(LoopDetachRequest request)
        => throw NotAvailable($"{MethodNames.LoopDetach} is offered to assemblers only, and {_sourceName} is a source, which runs outside any container");

    public void ReportProgress(ProgressNotification progress) => _progress?.Invoke(progress);

    public void Log(LogNotification log) => _log?.Invoke(log);

    private static LocalRpcException NotAvailable(string message)
        => new(message) { ErrorCode = (int)ErrorCodes.NotAvailable };
}
