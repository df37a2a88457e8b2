using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Timezone;

/// <summary>org.osbuild.timezone: the <c>/etc/localtime</c> link, via systemd-firstboot.</summary>
internal static class TimezoneStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.timezone", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string zone = OptionReader.RequiredString(context.Options, "zone");
        SystemdFirstboot.Set(context.Tree, "/etc/localtime", $"--timezone={zone}");
    }
}
