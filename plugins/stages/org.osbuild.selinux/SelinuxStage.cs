using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Selinux;

/// <summary>
/// org.osbuild.selinux: labels every file of the tree with the build root's
/// <c>setfiles</c> and the policy's <c>file_contexts</c> from the tree. An absolute
/// <c>file_contexts</c> names a file of the build root (Python's path join).
/// </summary>
internal static class SelinuxStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.selinux", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string fileContexts = Path.Combine(context.Tree, OptionReader.RequiredString(context.Options, "file_contexts"));
        string setfiles = Command.Require("setfiles", "policycoreutils");
        if (!File.Exists(fileContexts))
        {
            throw new PluginFailedException($"{fileContexts} does not exist: install the SELinux policy in the tree first (selinux-policy-targeted on Fedora, selinux-policy-default on Debian) or fix 'file_contexts'");
        }

        Command.Run(setfiles, ["-F", "-r", context.Tree, fileContexts, context.Tree], CommandSettings.Echoed);
    }
}
