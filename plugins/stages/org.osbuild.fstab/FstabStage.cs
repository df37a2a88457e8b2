using System.Text;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Fstab;

/// <summary>
/// org.osbuild.fstab: replaces <c>/etc/fstab</c> with one tab-separated line per
/// file system. Values are printed as osbuild prints them (<c>freq</c> <c>"1"</c> and <c>1</c> both give <c>1</c>).
/// </summary>
internal static class FstabStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.fstab", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        var filesystems = OptionReader.Array(context.Options, "filesystems", required: true);
        var text = new StringBuilder();
        for (int i = 0; i < filesystems.Count; i++)
        {
            JsonElement filesystem = filesystems[i];
            string Field(string name, string? fallback)
            {
                JsonElement? value = OptionReader.Find(filesystem, name);
                return value is { } given ? PythonValue.Str(given)
                    : fallback ?? throw new PluginFailedException($"option 'filesystems[{i}].{name}' is required");
            }

            text.Append("UUID=").Append(Field("uuid", null))
                .Append('\t').Append(Field("path", null))
                .Append('\t').Append(Field("vfs_type", "none"))
                .Append('\t').Append(Field("options", "defaults"))
                .Append('\t').Append(Field("freq", "0"))
                .Append('\t').Append(Field("passno", "0"))
                .Append('\n');
        }

        string etc = Path.Join(context.Tree, "etc");
        if (!Directory.Exists(etc))
        {
            throw new PluginFailedException($"{etc} does not exist: fstab writes into an existing /etc");
        }

        TextFiles.Replace(Path.Join(etc, "fstab"), text.ToString());
    }
}
