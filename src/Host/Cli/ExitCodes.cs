namespace Engine.Host.Cli;

/// <summary>The exit statuses of the osbuild command (osbuild's, plus 2 for every input error and 143 for SIGTERM).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A stage or the assembler failed, or a checkpoint was not found.</summary>
    public const int BuildFailed = 1;

    /// <summary>Bad usage, or an invalid manifest, sources, secrets, build environment or options.</summary>
    public const int InvalidInput = 2;

    public const int Interrupted = 130;

    public const int Terminated = 143;
}
