using System.Text.Json.Serialization;

namespace Org.Test.AssemblySource;

[JsonSerializable(typeof(int))]
internal sealed partial class ProtocolJsonContextCount : JsonSerializerContext;
