using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Firewall;

/// <summary>
/// org.osbuild.firewall: firewalld's default zone, set offline by the tree's own
/// <c>firewall-offline-cmd</c> (it has no <c>--root</c>, hence chroot; cross-arch builds fail).
/// The command runs even when every list is empty, as in osbuild.
/// </summary>
internal static class FirewallStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.firewall", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        var arguments = new List<string> { context.Tree, "firewall-offline-cmd" };
        arguments.AddRange(OptionReader.StringArray(context.Options, "ports").Select(port => $"--port={port}"));
        arguments.AddRange(OptionReader.StringArray(context.Options, "enabled_services").Select(service => $"--service={service}"));
        arguments.AddRange(OptionReader.StringArray(context.Options, "disabled_services").Select(service => $"--remove-service={service}"));
        string chroot = Command.Require("chroot", "coreutils");
        Command.RequireInTree(context.Tree, "firewall-offline-cmd", "firewalld");
        Command.Run(chroot, arguments, CommandSettings.Echoed);
    }
}
