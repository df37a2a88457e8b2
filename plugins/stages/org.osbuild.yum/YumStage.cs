using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Engine.Plugins.Common;
using Engine.Plugins.Stages.Rpm;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Stages.Yum;

/// <summary>
/// org.osbuild.yum: installs packages with the build root's yum (old Fedora targets). Debian 12
/// has no yum, so there the stage fails at once, before touching the tree.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class YumStage
{
    public const string Name = "org.osbuild.yum";

    private static readonly string[] UrlKeys = ["metalink", "mirrorlist", "baseurl"];

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, DiskErrors.Guard(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<JsonElement> repos = StageOptions.Array(options, "repos", required: true);
        IReadOnlyList<string> packages = StageOptions.StringArray(options, "packages", required: true);
        string releasever = StageOptions.RequiredString(options, "releasever");
        string operation = StageOptions.String(options, "operation") ?? "install";
        string verbosity = StageOptions.String(options, "verbosity") ?? "info";
        string tree = context.Tree;
        string yum = Tool.Require("yum", "yum");

        string scratch = PackageTree.CreateScratch(Name);
        try
        {
            await using var mounts = new DiskMounts();
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

            string config = WriteConfig(scratch, repos);
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
            CommandResult result = await DiskCommand.TryRunAsync(yum, arguments, cancellationToken, environment: environment).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                // Not a checked command in the reference: the stage ends with yum's own status.
                throw new PluginFailedException(DiskCommand.DescribeFailure(yum, arguments, result), result.ExitCode);
            }
        }
        finally
        {
            PackageTree.RemoveScratch(scratch);
        }
    }

    private static string WriteConfig(string scratch, IReadOnlyList<JsonElement> repos)
    {
        var text = new StringBuilder();
        for (int i = 0; i < repos.Count; i++)
        {
            JsonElement repo = repos[i];
            string id = "repo" + i.ToString(CultureInfo.InvariantCulture);
            text.Append('[').Append(id).Append("]\nname=").Append(id).Append('\n');
            foreach (string key in UrlKeys)
            {
                if (Member(repo, key) is { Length: > 0 } url)
                {
                    text.Append(key).Append('=').Append(url).Append('\n');
                }
            }

            if (Member(repo, "gpgkey") is { } armored)
            {
                string path = Path.Combine(scratch, id + ".asc");
                File.WriteAllText(path, armored);
                text.Append("gpgcheck=1\ngpgkey=file://").Append(path).Append('\n');
            }
        }

        string config = Path.Combine(scratch, "yum.conf");
        File.WriteAllText(config, text.ToString());
        return config;
    }

    private static string? Member(JsonElement repo, string name)
        => repo.ValueKind == JsonValueKind.Object && repo.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
