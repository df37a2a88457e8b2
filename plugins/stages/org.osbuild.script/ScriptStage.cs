using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Script;

/// <summary>
/// org.osbuild.script: the escape hatch. Writes the script to
/// <c>TREE/osbuild-script</c>, runs it with <c>chroot TREE /osbuild-script</c> and ends with its
/// status. The script file is removed afterwards, also when the script fails.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class ScriptStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.script", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string script = OptionReader.RequiredString(context.Options, "script");
        string chroot = Command.Require("chroot", "coreutils");
        string path = Path.Join(context.Tree, "osbuild-script");
        int status;
        try
        {
            TextFiles.Replace(path, script);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            status = Command.TryRun(chroot, [context.Tree, "/osbuild-script"], CommandSettings.Echoed).ExitCode;
        }
        finally
        {
            File.Delete(path);
        }

        if (status != 0)
        {
            // osbuild exits with the script's status and adds nothing to the log.
            Console.Out.Flush();
            Environment.Exit(status);
        }
    }
}
