using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Yum;

/// <summary>
/// org.osbuild.yum: installs packages with the build root's yum (old Fedora targets). Debian 12
/// has no yum, so there the stage fails at once, before touching the tree.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class YumStage
{
    public const string Name = "org.osbuild.yum";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<JsonElement> repos = OptionReader.Array(options, "repos", required: true);
        IReadOnlyList<string> packages = OptionReader.StringArray(options, "packages", required: true);
        string releasever = OptionReader.RequiredString(options, "releasever");
        string operation = OptionReader.String(options, "operation") ?? "install";
        string verbosity = OptionReader.String(options, "verbosity") ?? "info";
        string tree = context.Tree;
        string yum = Command.Require("yum", "yum");

        string scratch = PackageTree.CreateScratch(Name);
        try
        {
            await using var mounts = new Mounts();
            try
            {
                foreach (var (type, name) in new[] { ("devtmpfs", "dev"), ("sysfs", "sys"), ("proc", "proc") })
                {
                    string target = Path.Combine(tree, name);
                    Directory.CreateDirectory(target);
                    await mounts.MountAsync(["-t", type, "none"], target, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PluginFailedException e)
            {
                throw new PluginFailedException($"setting up API VFS in target tree failed: {e.Message}");
            }

            string config = RepoConfig.Write(scratch, "yum.conf", repos, "", []);
            // The reference passes --setopt="reposdir=" through no shell, so yum saw the quotes and
            // did not clear reposdir; without them yum reads only the repos of this config, as intended.
            string[] arguments =
            [
                "--assumeyes", "--installroot=" + tree, "--setopt=reposdir=", "--releasever=" + releasever,
                "--rpmverbosity=" + verbosity, "--config=" + config, operation, .. packages,
            ];
            Console.WriteLine(yum + " " + string.Join(' ', arguments));
            Console.Out.Flush();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = scratch };
            CommandResult result = await Command.TryRunAsync(yum, arguments, cancellationToken, new() { Environment = environment }).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                // Not a checked command in the reference: the stage ends with yum's own status.
                throw new PluginFailedException(Command.DescribeFailure(yum, arguments, result), result.ExitCode);
            }
        }
        finally
        {
            PackageTree.RemoveScratch(scratch);
        }
    }
}
