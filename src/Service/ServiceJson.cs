using System.Text.Json;
using System.Text.Json.Serialization;
using Engine.Service.Api.Contracts;
using Engine.Service.Auth;
using Engine.Service.Builds;

namespace Engine.Service;

/// <summary>
/// Every JSON shape of the service, serialized through source generation. Member names are
/// snake_case, as in osbuild's own documents (tree_id, output_id).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(SubmitBuildRequest))]
[JsonSerializable(typeof(BuildAccepted))]
[JsonSerializable(typeof(BuildStatus))]
[JsonSerializable(typeof(IReadOnlyList<BuildSummary>))]
[JsonSerializable(typeof(IReadOnlyList<ArtifactLink>))]
[JsonSerializable(typeof(AttemptRequest))]
[JsonSerializable(typeof(AttemptGranted))]
[JsonSerializable(typeof(AttemptDirective))]
[JsonSerializable(typeof(BuildProgress))]
[JsonSerializable(typeof(LogAccepted))]
[JsonSerializable(typeof(FinishRequest))]
[JsonSerializable(typeof(FinishResponse))]
[JsonSerializable(typeof(BuildRecord))]
[JsonSerializable(typeof(TokensDocument))]
[JsonSerializable(typeof(ServiceInfo))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ServiceJson : JsonSerializerContext;
