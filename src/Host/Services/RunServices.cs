using System.Text.Json;
using Engine.Host.Cli;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Host.Plugins;
using Engine.Host.Services.Loop;
using Engine.Host.Services.Sources;
using Engine.Host.Store;
using Engine.Protocol;
using StreamJsonRpc;

namespace Engine.Host.Services;

/// <summary>Creates the services of one plugin run; holds what is shared by all runs of a build.</summary>
internal sealed class RunServicesFactory(
    ObjectStore store,
    PluginCatalog catalog,
    SourceProgramRunner sourcePrograms,
    JValue.Object sourcesConfiguration,
    JValue.Object secrets,
    IBuildReporter reporter)
{
    internal RunServices Create(Stage stage, string? sourcesOutput)
        => new(this, stage, sourcesOutput);

    internal ObjectStore Store => store;

    internal PluginCatalog Catalog => catalog;

    internal SourceProgramRunner SourcePrograms => sourcePrograms;

    internal JValue.Object SourcesConfiguration => sourcesConfiguration;

    internal JValue.Object Secrets => secrets;

    internal IBuildReporter Reporter => reporter;
}

/// <summary>
/// The host services for one plugin run (what fd 3 reaches): sources fetched into this stage's
/// own output directory, loop devices that are all detached when the run ends, progress and log
/// lines passed to the reporter with the stage they came from.
/// </summary>
internal sealed class RunServices : IRunServices, IAsyncDisposable
{
    private readonly RunServicesFactory _shared;
    private readonly Stage _stage;
    private readonly string? _sourcesOutput;
    private readonly Lazy<LoopDeviceService> _loops = new(() => new LoopDeviceService());

    internal RunServices(RunServicesFactory shared, Stage stage, string? sourcesOutput)
    {
        _shared = shared;
        _stage = stage;
        _sourcesOutput = sourcesOutput;
    }

    public async Task<JsonElement> GetSourcesAsync(SourcesGetRequest request, CancellationToken cancellationToken)
    {
        if (_sourcesOutput is null)
        {
            throw new LocalRpcException($"{MethodNames.SourcesGet} is offered to stages only") { ErrorCode = (int)ErrorCodes.NotAvailable };
        }

        PluginInfo? source = _shared.Catalog.Find(PluginKind.Source, request.Source);
        if (source is null)
        {
            throw new LocalRpcException(_shared.Catalog.NotFoundMessage(PluginKind.Source, request.Source)) { ErrorCode = (int)ErrorCodes.UnknownSource };
        }

        JValue options = _shared.SourcesConfiguration[request.Source] ?? JValue.Object.Empty;
        JValue secrets = _shared.Secrets[request.Source] ?? JValue.Object.Empty;
        string cache = _shared.Store.SourceCacheDirectory(request.Source);
        string output = Path.Combine(_sourcesOutput, request.Source);
        // A .NET assembly source runs in the engine's JIT program for them; any other source is a program.
        string program = source.AssemblyPath is null ? source.ExecutablePath : HostEnvironment.AssemblySourceRunner();
        string[] arguments = source.AssemblyPath is string assembly ? [assembly] : [];
        try
        {
            JValue reply = await _shared.SourcePrograms.RunAsync(program, request.Source, options, secrets, cache, output, request.Checksums,
                new SourceChannelServices(request.Source, progress => _shared.Reporter.Progress(_stage, progress, request.Source), Log), cancellationToken, arguments);
            return JsonDocument.Parse(PythonJson.Compact(reply)).RootElement.Clone();
        }
        catch (SourceFailedException e)
        {
            throw new LocalRpcException(e.Message) { ErrorCode = (int)ErrorCodes.SourceFailed };
        }
    }

    public LoopAttachResult AttachLoop(LoopAttachRequest request, ContainerContext container)
    {
        string hostPath = container.ToHostPath(request.FileName)
            ?? throw new LocalRpcException($"{request.FileName} is not on a writable file system of the container (/var, /run/osbuild/output, …); create the image there") { ErrorCode = (int)ErrorCodes.InvalidRequest };
        try
        {
            LoopDevice device = _loops.Value.Attach(hostPath, request.Offset, request.SizeLimit, request.ReadOnly, container.DevDirectory);
            return new LoopAttachResult(device.DevName, "/dev/" + device.DevName);
        }
        catch (LoopDeviceException e)
        {
            throw new LocalRpcException(e.Message) { ErrorCode = (int)ErrorCodes.LoopFailed };
        }
    }

    public void DetachLoop(LoopDetachRequest request)
    {
        try
        {
            _loops.Value.Detach(request.DevName);
        }
        catch (LoopDeviceException e)
        {
            throw new LocalRpcException(e.Message) { ErrorCode = (int)ErrorCodes.LoopFailed };
        }
    }

    public void ReportProgress(ProgressNotification progress) => _shared.Reporter.Progress(_stage, progress);

    public void Log(LogNotification log) => _shared.Reporter.Log(_stage, log);

    /// <summary>Detaches every loop device the run still holds.</summary>
    public ValueTask DisposeAsync()
    {
        if (_loops.IsValueCreated)
        {
            _loops.Value.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
