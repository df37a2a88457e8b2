using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Hostname;

/// <summary>org.osbuild.hostname: the static hostname, via systemd-firstboot.</summary>
internal static class HostnameStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.hostname", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string hostname = OptionReader.RequiredString(context.Options, "hostname");
        SystemdFirstboot.Set(context.Tree, "/etc/hostname", $"--hostname={hostname}");
    }
}
