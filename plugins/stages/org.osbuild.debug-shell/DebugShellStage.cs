using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.DebugShell;

/// <summary>
/// org.osbuild.debug-shell: a unit that starts a root shell on a tty early at
/// boot, wanted by sysinit.target. For debugging images only.
/// </summary>
internal static class DebugShellStage
{
    private const string UnitName = "osbuild-debug-shell.service";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.debug-shell", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string tty = OptionReader.RequiredString(context.Options, "tty");
        string system = Path.Join(context.Tree, "etc/systemd/system");
        if (!Directory.Exists(system))
        {
            throw new PluginFailedException($"{system} does not exist: install systemd in the tree first");
        }

        // The text starts with an empty line, as osbuild writes it (its template opens with a newline).
        TextFiles.Replace(Path.Join(system, UnitName), $"""

            [Unit]
            Description=Early root shell on {tty} FOR DEBUGGING ONLY
            DefaultDependencies=no
            IgnoreOnIsolate=yes
            ConditionPathExists={tty}

            [Service]
            Environment=TERM=linux
            ExecStart=/bin/sh
            Restart=always
            RestartSec=0
            StandardInput=tty
            TTYPath={tty}
            TTYReset=yes
            TTYVHangup=yes
            KillMode=process
            IgnoreSIGPIPE=no
            # bash ignores SIGTERM
            KillSignal=SIGHUP

            # Unset locale for the console getty since the console has problems
            # displaying some internationalized messages.
            UnsetEnvironment=LANG LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION

            """);
        UnitLinks.Want(system, "sysinit.target.wants", UnitName);
    }
}
