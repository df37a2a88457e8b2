using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Protocol;

/// <summary>
/// Source-generated serialization for every wire type (no reflection, AOT-safe). StreamJsonRpc
/// serializes its own envelope itself, but two of its types travel as user data and must be here:
/// <see cref="StreamJsonRpc.Protocol.CommonErrorData"/> (the <c>data</c> of an error that is not a
/// LocalRpcException; without it the whole connection drops) and <see cref="StreamJsonRpc.RequestId"/>
/// (<c>$/cancelRequest</c>; without it a cancelling caller waits forever).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SourcesGetRequest))]
[JsonSerializable(typeof(LoopAttachRequest))]
[JsonSerializable(typeof(LoopAttachResult))]
[JsonSerializable(typeof(LoopDetachRequest))]
[JsonSerializable(typeof(ProgressNotification))]
[JsonSerializable(typeof(LogNotification))]
[JsonSerializable(typeof(PluginArguments))]
[JsonSerializable(typeof(SourceArguments))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(StreamJsonRpc.Protocol.CommonErrorData))]
[JsonSerializable(typeof(StreamJsonRpc.RequestId))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
