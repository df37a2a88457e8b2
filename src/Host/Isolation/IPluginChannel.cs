namespace Engine.Host.Isolation;

/// <summary>The host end of a plugin's RPC channel, as the container runner sees it.</summary>
public interface IPluginChannel : IAsyncDisposable
{
    /// <summary>Completes when the plugin's end is closed (the container is gone) or the channel broke.</summary>
    Task Completion { get; }

    /// <summary>Why the channel broke because of the plugin (garbage on fd 3), or null.</summary>
    string? Failure { get; }
}
