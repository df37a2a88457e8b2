using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Systemd;

/// <summary>
/// org.osbuild.systemd: enables, then disables units and sets the default
/// target with the build root's <c>systemctl --root TREE</c>.
/// </summary>
internal static class SystemdStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.systemd", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        var enabled = OptionReader.StringArray(context.Options, "enabled_services", required: true);
        var disabled = OptionReader.StringArray(context.Options, "disabled_services");
        string? target = OptionReader.String(context.Options, "default_target");
        string systemctl = Command.Require("systemctl", "systemd");
        foreach (string unit in enabled)
        {
            Command.Run(systemctl, ["--root", context.Tree, "enable", unit], CommandSettings.Echoed);
        }

        foreach (string unit in disabled)
        {
            Command.Run(systemctl, ["--root", context.Tree, "disable", unit], CommandSettings.Echoed);
        }

        if (!string.IsNullOrEmpty(target))
        {
            Command.Run(systemctl, ["--root", context.Tree, "set-default", target], CommandSettings.Echoed);
        }
    }
}
