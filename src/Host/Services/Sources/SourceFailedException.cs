namespace Engine.Host.Services.Sources;

/// <summary>
/// A sources program replied with <c>{"error": …}</c>, printed something that is not JSON, or could
/// not be started. The message is osbuild's <c>"&lt;source&gt;: &lt;error&gt;"</c>, with any secret of the
/// request replaced by <c>***</c>.
/// </summary>
internal sealed class SourceFailedException : Exception
{
    public SourceFailedException(string sourceName, string sourceMessage)
        : base($"{sourceName}: {sourceMessage}")
    {
        SourceName = sourceName;
        SourceMessage = sourceMessage;
    }

    public SourceFailedException(string sourceName, string sourceMessage, Exception innerException)
        : base($"{sourceName}: {sourceMessage}", innerException)
    {
        SourceName = sourceName;
        SourceMessage = sourceMessage;
    }

    /// <summary>The source's name, e.g. <c>org.osbuild.files</c>.</summary>
    public string SourceName { get; }

    /// <summary>What the source said (already redacted), without the name prefix.</summary>
    public string SourceMessage { get; }
}
