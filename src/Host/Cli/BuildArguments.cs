namespace Engine.Host.Cli;

/// <summary>The parsed command line of a build (or <c>--inspect</c>).</summary>
internal sealed record BuildArguments(
    string Manifest,
    string? BuildEnv,
    string Store,
    string? Sources,
    string? Secrets,
    string? LibDir,
    IReadOnlyList<string> Checkpoints,
    bool Json,
    IReadOnlyList<string> PluginPaths,
    bool Inspect,
    TimeSpan? Timeout);
