using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Protocol;

namespace Engine.Host.Services;

/// <summary>
/// What one plugin run may ask of the host, in the host's own terms (a loop device needs the
/// container it goes into). <see cref="PluginEndpoint"/> serves the wire contract
/// (<see cref="IHostServices"/>) on top of it: checks, kinds, and the run's output.
/// </summary>
public interface IRunServices
{
    /// <summary>Fetches content through a source; the result is the source's reply.</summary>
    /// <exception cref="StreamJsonRpc.LocalRpcException">The source failed or is unknown.</exception>
    Task<JsonElement> GetSourcesAsync(SourcesGetRequest request, CancellationToken cancellationToken);

    /// <summary>Binds a loop device (assemblers only).</summary>
    LoopAttachResult AttachLoop(LoopAttachRequest request, ContainerContext container);

    void DetachLoop(LoopDetachRequest request);

    void ReportProgress(ProgressNotification progress);

    void Log(LogNotification log);
}
