using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Protocol;

namespace Engine.Host.Services;

/// <summary>What the host offers one plugin run over fd 3. Implemented per run by the pipeline executor.</summary>
public interface IHostServices
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
