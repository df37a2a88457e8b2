namespace Engine.Service.Configuration;

/// <summary>
/// How to call the installed osbuild: the program and the plugin roots every call gets. The API
/// uses it to check manifests (<c>--check</c>, <c>--inspect</c>), the worker to build them, so both
/// must see the same plugins.
/// </summary>
internal sealed record EngineCommand(string Osbuild, string? LibDir, IReadOnlyList<string> PluginPaths)
{
    /// <summary>The options that choose the plugins, in the order osbuild expects them.</summary>
    public IEnumerable<string> PluginArguments()
    {
        if (LibDir is not null)
        {
            yield return "--libdir";
            yield return LibDir;
        }

        foreach (string path in PluginPaths)
        {
            yield return "--plugin-path";
            yield return path;
        }
    }
}
