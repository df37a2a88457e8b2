using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Locale;

/// <summary>
/// org.osbuild.locale: <c>LANG</c>, via systemd-firstboot. Only
/// <c>/etc/locale.conf</c> is removed first, as osbuild does; on Debian firstboot writes
/// <c>/etc/default/locale</c> instead and leaves an existing one alone.
/// </summary>
internal static class LocaleStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.locale", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string language = OptionReader.RequiredString(context.Options, "language");
        SystemdFirstboot.Set(context.Tree, "/etc/locale.conf", $"--locale={language}");
    }
}
