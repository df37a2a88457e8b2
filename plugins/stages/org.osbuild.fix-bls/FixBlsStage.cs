using System.Text;
using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.FixBls;

/// <summary>
/// org.osbuild.fix-bls: boot-loader tools that ran at build time saw the tree at
/// its build path (e.g. <c>/run/osbuild/tree/boot/vmlinuz</c>); this rewrites every
/// <c>/boot/loader/entries/*.conf</c> so such paths start with <c>prefix</c> again.
/// </summary>
internal static class FixBlsStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.fix-bls", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string prefix = OptionReader.String(context.Options, "prefix") ?? "/boot";
        string entries = Path.Join(context.Tree, "boot/loader/entries");
        if (!Directory.Exists(entries))
        {
            return;
        }

        // glob("*.conf"): names starting with "." are not matched, and only files are read.
        foreach (string name in Directory.EnumerateFileSystemEntries(entries, "*.conf")
                     .Where(path => !Path.GetFileName(path).StartsWith('.'))
                     .Order(StringComparer.Ordinal))
        {
            var text = new StringBuilder();
            foreach (string line in TextFiles.LinesKeepEnds(TextFiles.ReadUniversal(name)))
            {
                text.Append(BootPath.Fix(line, prefix));
            }

            TextFiles.Replace(name, text.ToString());
        }
    }
}
