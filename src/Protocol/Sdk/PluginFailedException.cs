namespace Engine.Protocol.Sdk;

/// <summary>
/// Thrown by plugin code to fail with a message for the user. <see cref="PluginRunner"/> prints the
/// message to stderr and exits with <see cref="ExitCode"/>.
/// </summary>
/// <param name="message">What failed and, where possible, how to fix it.</param>
/// <param name="exitCode">The exit status of the plugin (1 unless a tool's status is passed on).</param>
public sealed class PluginFailedException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The exit status the plugin ends with.</summary>
    public int ExitCode { get; } = exitCode;
}
