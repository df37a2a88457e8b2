using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Dnf;

/// <summary>
/// org.osbuild.dnf: depsolves, downloads and installs packages into the tree with the build root's
/// dnf, then checks that every repository's repomd.xml is the one the manifest pinned.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class DnfStage
{
    public const string Name = "org.osbuild.dnf";

    private static readonly string[] TlsKeys = ["sslcacert", "sslclientcert", "sslclientkey"];

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<JsonElement> repoOptions = OptionReader.Array(options, "repos", required: true);
        IReadOnlyList<string> packages = OptionReader.StringArray(options, "packages", required: true);
        string releasever = OptionReader.RequiredString(options, "releasever");
        string basearch = OptionReader.RequiredString(options, "basearch");
        string operation = OptionReader.String(options, "operation") ?? "install";
        bool weakDeps = OptionReader.Find(options, "install_weak_deps") is not { ValueKind: JsonValueKind.False };
        IReadOnlyList<string> excludes = OptionReader.StringArray(options, "exclude_packages");
        string? platformId = OptionReader.String(options, "module_platform_id");
        string tree = context.Tree;
        string dnf = Command.Require("dnf", "dnf");

        // Inline repos first, then those the source describes (the reference's numbering).
        var repos = repoOptions.Where(r => r.ValueKind == JsonValueKind.Object).ToList();
        var named = repoOptions.Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToList();
        JsonElement resolved = await PackageTree.GetSourcesAsync(context, Name, named, cancellationToken).ConfigureAwait(false);
        if (resolved.ValueKind == JsonValueKind.Array)
        {
            repos.AddRange(resolved.EnumerateArray());
        }
        else if (named.Count > 0)
        {
            throw new PluginFailedException($"the {Name} source replied {resolved.GetRawText()} instead of an array of repositories");
        }

        string scratch = PackageTree.CreateScratch(Name);
        try
        {
            string config = WriteConfig(scratch, repos, platformId);
            bool fakeMachineId;
            await using (var mounts = new Mounts())
            {
                try
                {
                    fakeMachineId = await PackageTree.PrepareAsync(tree, mounts, cancellationToken).ConfigureAwait(false);
                }
                catch (PluginFailedException e)
                {
                    throw new PluginFailedException($"setting up API VFS in target tree failed: {e.Message}");
                }

                var arguments = new List<string>
                {
                    "-yv", "--installroot", tree, "--forcearch", basearch,
                    "--setopt", "reposdir=", "--setopt", "install_weak_deps=" + (weakDeps ? "True" : "False"),
                    "--setopt", "skip_if_unavailable=false", "--releasever", releasever,
                    "--noplugins", "--config", config, operation,
                };
                arguments.AddRange(packages);
                foreach (string exclude in excludes)
                {
                    arguments.Add("--exclude");
                    arguments.Add(exclude);
                }

                await RunDnfAsync(dnf, arguments, scratch, packages, cancellationToken).ConfigureAwait(false);
            }

            for (int i = 0; i < repos.Count; i++)
            {
                VerifyMetadata(tree, i, repos[i], basearch, releasever);
            }

            FileEntries.DeleteContents(Path.Combine(tree, "var/cache/dnf"));
            PackageTree.Finish(tree, fakeMachineId);
        }
        finally
        {
            PackageTree.RemoveScratch(scratch);
        }
    }

    /// <summary>Writes <c>dnf.conf</c> (and the key and TLS files it names) into <paramref name="scratch"/>.</summary>
    private static string WriteConfig(string scratch, IReadOnlyList<JsonElement> repos, string? platformId)
        => RepoConfig.Write(scratch, "dnf.conf", repos, platformId is null ? "" : $"[main]\nmodule_platform_id={platformId}\n", TlsKeys);

    private static async Task RunDnfAsync(string dnf, IReadOnlyList<string> arguments, string scratch, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        Console.WriteLine(dnf + " " + string.Join(' ', arguments));
        Console.Out.Flush();
        // HOME carries the .rpmmacros that puts the tree's rpm database at /var/lib/rpm.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = scratch };
        CommandResult result = await Command.TryRunAsync(dnf, arguments, cancellationToken, new() { Environment = environment }).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return;
        }

        var missing = NoMatchPattern().Matches(result.StderrTail)
            .SelectMany(m => m.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(packages.Contains)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        string failure = Command.DescribeFailure(dnf, arguments, result);
        throw new PluginFailedException(missing.Count > 0
            ? $"package(s) not found in the repositories: {string.Join(", ", missing)}; {failure}"
            : failure);
    }

    /// <summary>
    /// Compares the SHA-256 of the repomd.xml dnf downloaded for repo <paramref name="index"/> with
    /// the repo's pinned checksum. dnf's cache directory is <c>repo&lt;i&gt;-</c> plus the first 16 hex
    /// digits of the SHA-256 of the repo's URL (variables substituted).
    /// </summary>
    private static void VerifyMetadata(string tree, int index, JsonElement repo, string basearch, string releasever)
    {
        string checksum = RepoConfig.Member(repo, "checksum")
            ?? throw new PluginFailedException($"repository {index.ToString(CultureInfo.InvariantCulture)} has no 'checksum'");
        string[] parts = checksum.Split(':');
        if (parts.Length != 2 || parts[0] != "sha256")
        {
            throw new PluginFailedException($"repository checksum '{checksum}' is not of the form sha256:<hex>");
        }

        string url = RepoConfig.UrlKeys.Select(key => RepoConfig.Member(repo, key)).FirstOrDefault(value => value is not null)
            ?? throw new PluginFailedException($"repository {index.ToString(CultureInfo.InvariantCulture)} has no metalink, mirrorlist or baseurl");
        url = url.Replace("$basearch", basearch, StringComparison.Ordinal).Replace("$releasever", releasever, StringComparison.Ordinal);
        string urlHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];
        string repomd = Path.Combine(tree, "var/cache/dnf", $"repo{index.ToString(CultureInfo.InvariantCulture)}-{urlHash}", "repodata/repomd.xml");
        if (!File.Exists(repomd))
        {
            throw new PluginFailedException($"error: repo{index.ToString(CultureInfo.InvariantCulture)} was configured with checksum {parts[1]}, but dnf left no metadata at {repomd}");
        }

        string actual;
        using (FileStream stream = File.OpenRead(repomd))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (!string.Equals(parts[1], actual, StringComparison.Ordinal))
        {
            throw new PluginFailedException($"error: repo was configured with checksum {parts[1]}, but actually got {actual}");
        }
    }

    /// <summary>dnf 4: "No match for argument: NAME" (also "Unable to find a match: NAME ...").</summary>
    [GeneratedRegex(@"(?:No match for argument|Unable to find a match): (?<names>[^\n]+)")]
    private static partial Regex NoMatchPattern();
}
