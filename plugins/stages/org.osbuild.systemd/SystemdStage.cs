using System.Runtime.CompilerServices;
using Engine.Plugins.Common;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Stages.Systemd;

/// <summary>
/// org.osbuild.systemd (plugins.md 1.18): enables, then disables units and sets the default
/// target with the build root's <c>systemctl --root TREE</c>.
/// </summary>
internal static class SystemdStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.systemd", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        var enabled = StageOptions.StringArray(context.Options, "enabled_services", required: true);
        var disabled = StageOptions.StringArray(context.Options, "disabled_services");
        string? target = StageOptions.String(context.Options, "default_target");
        string systemctl = Tool.Require("systemctl", "systemd");
        foreach (string unit in enabled)
        {
            Tool.RunChecked(systemctl, ["--root", context.Tree, "enable", unit]);
        }

        foreach (string unit in disabled)
        {
            Tool.RunChecked(systemctl, ["--root", context.Tree, "disable", unit]);
        }

        if (!string.IsNullOrEmpty(target))
        {
            Tool.RunChecked(systemctl, ["--root", context.Tree, "set-default", target]);
        }
    }
}
