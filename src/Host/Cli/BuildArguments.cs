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
    TimeSpan? Timeout,
    bool NoCache = false,
    bool Check = false,
    string? Monitor = null,
    int MonitorFd = 2)
{
    /// <summary>True when an input comes from standard input (<c>-</c>), which can be read only once.</summary>
    public bool ReadsStandardInput => new[] { Manifest, BuildEnv, Sources, Secrets }.Contains("-");
}
