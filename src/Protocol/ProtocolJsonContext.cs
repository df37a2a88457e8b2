using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Protocol;

/// <summary>Source-generated serialization for every wire type (no reflection, AOT-safe).</summary>
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
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
