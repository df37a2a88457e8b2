using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Keymap;

/// <summary>org.osbuild.keymap: the console keymap, via systemd-firstboot.</summary>
internal static class KeymapStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.keymap", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string keymap = OptionReader.RequiredString(context.Options, "keymap");
        SystemdFirstboot.Set(context.Tree, "/etc/vconsole.conf", $"--keymap={keymap}");
    }
}
