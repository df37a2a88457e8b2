using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Chrony;

/// <summary>
/// org.osbuild.chrony: replaces the <c>server</c> and <c>pool</c> lines of
/// <c>/etc/chrony.conf</c> with one <c>server HOST iburst</c> line per time server, at the top.
/// </summary>
internal static class ChronyStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.chrony", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        var servers = OptionReader.Array(context.Options, "timeservers", required: true);
        string path = Path.Join(context.Tree, "etc/chrony.conf");
        if (!File.Exists(path))
        {
            throw new PluginFailedException($"{path} does not exist: install the chrony package in the tree first");
        }

        // Split on "\n" (not line by line) so that a trailing newline survives as a last empty item.
        string[] lines = TextFiles.ReadUniversal(path).Split('\n');
        var result = new List<string>();
        foreach (var server in servers)
        {
            result.Add($"server {PythonValue.Str(server)} iburst");
        }

        result.AddRange(lines.Where(line => !line.StartsWith("server ", StringComparison.Ordinal)
            && !line.StartsWith("pool ", StringComparison.Ordinal)));
        TextFiles.Replace(path, string.Join('\n', result));
    }
}
