using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Plugins.Common;
using Engine.Plugins.Stages.Rpm;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Stages.Dnf;

/// <summary>
/// org.osbuild.dnf: depsolves, downloads and installs packages into the tree with the build root's
/// dnf, then checks that every repository's repomd.xml is the one the manifest pinned.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class DnfStage
{
    public const string Name = "org.osbuild.dnf";

    private static readonly string[] UrlKeys = ["metalink", "mirrorlist", "baseurl"];
    private static readonly string[] TlsKeys = ["sslcacert", "sslclientcert", "sslclientkey"];

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, DiskErrors.Guard(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<JsonElement> repoOptions = StageOptions.Array(options, "repos", required: true);
        IReadOnlyList<string> packages = StageOptions.StringArray(options, "packages", required: true);
        string releasever = StageOptions.RequiredString(options, "releasever");
        string basearch = StageOptions.RequiredString(options, "basearch");
        string operation = StageOptions.String(options, "operation") ?? "install";
        bool weakDeps = StageOptions.Find(options, "install_weak_deps") is not { ValueKind: JsonValueKind.False };
        IReadOnlyList<string> excludes = StageOptions.StringArray(options, "exclude_packages");
        string? platformId = StageOptions.String(options, "module_platform_id");
        string tree = context.Tree;
        string dnf = Tool.Require("dnf", "dnf");

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
            await using (var mounts = new DiskMounts())
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

            EmptyDirectory(Path.Combine(tree, "var/cache/dnf"));
            PackageTree.Finish(tree, fakeMachineId);
        }
        finally
        {
            PackageTree.RemoveScratch(scratch);
        }
    }

    /// <summary>Writes <c>dnf.conf</c> (and the key and TLS files it names) into <paramref name="scratch"/>.</summary>
    private static string WriteConfig(string scratch, IReadOnlyList<JsonElement> repos, string? platformId)
    {
        var text = new StringBuilder();
        if (platformId is not null)
        {
            text.Append("[main]\nmodule_platform_id=").Append(platformId).Append('\n');
        }

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

            foreach (string key in TlsKeys)
            {
                if (Member(repo, key) is { } pem)
                {
                    // Named per key type as in the reference (spec 5.4): repos with TLS material share these files.
                    string path = Path.Combine(scratch, key + ".pem");
                    File.WriteAllText(path, pem);
                    text.Append(key).Append('=').Append(path).Append('\n');
                }
            }

            if (Member(repo, "gpgkey") is { } key2)
            {
                string path = Path.Combine(scratch, id + ".asc");
                File.WriteAllText(path, key2);
                text.Append("gpgcheck=1\ngpgkey=file://").Append(path).Append('\n');
            }
        }

        string config = Path.Combine(scratch, "dnf.conf");
        File.WriteAllText(config, text.ToString());
        return config;
    }

    private static async Task RunDnfAsync(string dnf, IReadOnlyList<string> arguments, string scratch, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        Console.WriteLine(dnf + " " + string.Join(' ', arguments));
        Console.Out.Flush();
        // HOME carries the .rpmmacros that puts the tree's rpm database at /var/lib/rpm.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = scratch };
        CommandResult result = await DiskCommand.TryRunAsync(dnf, arguments, cancellationToken, environment: environment).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return;
        }

        var missing = NoMatchPattern().Matches(result.StderrTail)
            .SelectMany(m => m.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(packages.Contains)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        string failure = DiskCommand.DescribeFailure(dnf, arguments, result);
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
        string checksum = Member(repo, "checksum")
            ?? throw new PluginFailedException($"repository {index.ToString(CultureInfo.InvariantCulture)} has no 'checksum'");
        string[] parts = checksum.Split(':');
        if (parts.Length != 2 || parts[0] != "sha256")
        {
            throw new PluginFailedException($"repository checksum '{checksum}' is not of the form sha256:<hex>");
        }

        string url = UrlKeys.Select(key => Member(repo, key)).FirstOrDefault(value => value is not null)
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

    /// <summary>Deletes everything inside <paramref name="directory"/>, keeping the directory itself.</summary>
    private static void EmptyDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(directory))
        {
            DiskDebianTree.DeleteEntry(entry);
        }
    }

    private static string? Member(JsonElement repo, string name)
        => repo.ValueKind == JsonValueKind.Object && repo.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>dnf 4: "No match for argument: NAME" (also "Unable to find a match: NAME ...").</summary>
    [GeneratedRegex(@"(?:No match for argument|Unable to find a match): (?<names>[^\n]+)")]
    private static partial Regex NoMatchPattern();
}
