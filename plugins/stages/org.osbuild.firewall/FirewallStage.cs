using System.Runtime.CompilerServices;
using Engine.Plugins.Common;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Stages.Firewall;

/// <summary>
/// org.osbuild.firewall (plugins.md 1.5): firewalld's default zone, set offline by the tree's own
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
        arguments.AddRange(StageOptions.StringArray(context.Options, "ports").Select(port => $"--port={port}"));
        arguments.AddRange(StageOptions.StringArray(context.Options, "enabled_services").Select(service => $"--service={service}"));
        arguments.AddRange(StageOptions.StringArray(context.Options, "disabled_services").Select(service => $"--remove-service={service}"));
        string chroot = Tool.Require("chroot", "coreutils");
        Tool.RequireInTree(context.Tree, "firewall-offline-cmd", "firewalld");
        Tool.RunChecked(chroot, arguments);
    }
}
