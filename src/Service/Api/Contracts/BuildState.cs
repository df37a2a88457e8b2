using System.Text.Json.Serialization;

namespace Engine.Service.Api.Contracts;

/// <summary>Where a build is. Succeeded, failed and cancelled are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BuildState>))]
internal enum BuildState
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

internal static class BuildStates
{
    public static bool IsFinal(this BuildState state) => state is BuildState.Succeeded or BuildState.Failed or BuildState.Cancelled;
}
