using System.Text.Json;
using PolyType;
using StreamJsonRpc;

namespace Engine.Protocol;

/// <summary>
/// What the host offers a plugin over fd 3 (docs/protocol.md §3): the one contract both ends use.
/// The host implements it per plugin run; the C# SDK calls it through StreamJsonRpc's generated
/// proxy (<see cref="HostChannel.Connect"/>). Every method takes one record that is the whole JSON-RPC
/// <c>params</c> object, as a Python client sends it; <c>void</c> methods are notifications (no id,
/// no reply).
/// </summary>
[JsonRpcContract]
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
public partial interface IHostServices
{
    /// <summary>Fetches content by checksum through a source on the host (stages only).</summary>
    /// <returns>The source's reply: <c>{}</c> for org.osbuild.files, an array of repositories for org.osbuild.dnf.</returns>
    /// <exception cref="RemoteInvocationException">With <see cref="ErrorCodes.UnknownSource"/>, <see cref="ErrorCodes.SourceFailed"/>,
    /// <see cref="ErrorCodes.InvalidRequest"/> or <see cref="ErrorCodes.NotAvailable"/>.</exception>
    [JsonRpcMethod(MethodNames.SourcesGet, UseSingleObjectParameterDeserialization = true)]
    Task<JsonElement> SourcesGetAsync(SourcesGetRequest request, CancellationToken cancellationToken);

    /// <summary>Binds a loop device to a file the assembler created (assemblers only).</summary>
    /// <exception cref="RemoteInvocationException">With <see cref="ErrorCodes.LoopFailed"/>, <see cref="ErrorCodes.InvalidRequest"/>
    /// or <see cref="ErrorCodes.NotAvailable"/>.</exception>
    [JsonRpcMethod(MethodNames.LoopAttach, UseSingleObjectParameterDeserialization = true)]
    Task<LoopAttachResult> LoopAttachAsync(LoopAttachRequest request, CancellationToken cancellationToken);

    /// <summary>Detaches a device obtained from <see cref="LoopAttachAsync"/>.</summary>
    /// <exception cref="RemoteInvocationException">With <see cref="ErrorCodes.LoopFailed"/> or <see cref="ErrorCodes.InvalidRequest"/>.</exception>
    [JsonRpcMethod(MethodNames.LoopDetach, UseSingleObjectParameterDeserialization = true)]
    Task LoopDetachAsync(LoopDetachRequest request, CancellationToken cancellationToken);

    /// <summary>Notification: how far the plugin has come.</summary>
    [JsonRpcMethod(MethodNames.Progress, UseSingleObjectParameterDeserialization = true)]
    void Progress(ProgressNotification progress);

    /// <summary>Notification: one log line for the user (shown in every output mode).</summary>
    [JsonRpcMethod(MethodNames.Log, UseSingleObjectParameterDeserialization = true)]
    void Log(LogNotification log);
}
