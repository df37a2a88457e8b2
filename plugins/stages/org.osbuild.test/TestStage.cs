using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Test;

/// <summary>
/// org.osbuild.test: a one-shot boot-test unit that runs a script, sends its
/// output to the virtio serial port <c>/dev/vport0p1</c> and powers the machine off.
/// </summary>
internal static class TestStage
{
    private const string UnitName = "osbuild-test.service";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.test", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string script = OptionReader.RequiredString(context.Options, "script");
        string system = Path.Join(context.Tree, "etc/systemd/system");
        if (!Directory.Exists(system))
        {
            throw new PluginFailedException($"{system} does not exist: install systemd in the tree first");
        }

        TextFiles.Replace(Path.Join(system, UnitName), $"""

            [Unit]
            Description=Boot Test
            Wants=dev-vport0p1.device
            After=dev-vport0p1.device

            [Service]
            StandardOutput=file:/dev/vport0p1
            ExecStart={script}
            ExecStopPost=/usr/bin/systemctl poweroff

            """);
        UnitLinks.Want(system, "multi-user.target.wants", UnitName);
    }
}
