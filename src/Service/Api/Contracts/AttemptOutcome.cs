using System.Text.Json.Serialization;

namespace Engine.Service.Api.Contracts;

/// <summary>How one run of osbuild for a build ended, as its worker reports it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttemptOutcome>))]
internal enum AttemptOutcome
{
    /// <summary>osbuild exited 0 and every artifact was uploaded.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,

    /// <summary>osbuild exited non-zero on its own (a stage failed, the manifest was refused, ...).</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>The worker stopped osbuild with SIGTERM because the build was cancelled or taken over.</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,

    /// <summary>The worker is shutting down: the job goes back to its queue.</summary>
    [JsonStringEnumMemberName("interrupted")] Interrupted,

    /// <summary>Set by the API for an attempt whose worker vanished (killed) and was replaced.</summary>
    [JsonStringEnumMemberName("abandoned")] Abandoned,
}
