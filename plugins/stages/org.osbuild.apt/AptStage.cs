using System.Text.RegularExpressions;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Apt;

/// <summary>
/// org.osbuild.apt: installs packages into a Debian tree with the tree's own apt
/// (<c>chroot TREE apt-get install</c>), from the archives in the tree's apt sources.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class AptStage
{
    public const string Name = "org.osbuild.apt";

    private const string PolicyRcD = "usr/sbin/policy-rc.d";
    private const string SavedSuffix = ".osbuild-saved";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<string> packages = OptionReader.StringArray(options, "packages");
        if (packages.Count == 0)
        {
            throw new PluginFailedException("option 'packages' must name at least one package");
        }

        bool recommends = OptionReader.Boolean(options, "recommends", fallback: false);
        bool update = OptionReader.Boolean(options, "update", fallback: true);
        string tree = context.Tree;
        if (!File.Exists(Path.Combine(tree, "usr/bin/apt-get")))
        {
            throw new PluginFailedException($"the tree has no /usr/bin/apt-get; {Name} needs a Debian base system (org.osbuild.debootstrap) first");
        }

        bool resolverPlaced = false;
        bool policyPlaced = false;
        await using (var mounts = new Mounts())
        {
            try
            {
                // Package scripts expect a running system's pseudo file systems: update-initramfs reads
                // /proc and /sys, dpkg and maintainer scripts write to /dev/null.
                await mounts.MountAsync(["-t", "proc", "proc"], Path.Combine(tree, "proc"), cancellationToken).ConfigureAwait(false);
                await mounts.MountAsync(["-t", "sysfs", "sysfs"], Path.Combine(tree, "sys"), cancellationToken).ConfigureAwait(false);
                await mounts.MountAsync(["--bind", "/dev"], Path.Combine(tree, "dev"), cancellationToken).ConfigureAwait(false);
                if (Directory.Exists(Path.Combine(tree, "dev/pts")))
                {
                    // apt logs package scripts' output through a pseudo terminal ("Can not write log
                    // (Is /dev/pts mounted?)" otherwise); a private instance leaves the host's alone.
                    await mounts.MountAsync(["-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620", "devpts"], Path.Combine(tree, "dev/pts"), cancellationToken).ConfigureAwait(false);
                }

                resolverPlaced = PlaceAside(tree, "etc/resolv.conf", ResolverFromBuildRoot());
                policyPlaced = PlaceAside(tree, PolicyRcD, "#!/bin/sh\n# Written by org.osbuild.apt for the duration of the install: start no services.\nexit 101\n");
                File.SetUnixFileMode(Path.Combine(tree, PolicyRcD), (UnixFileMode)0x1ed); // 0755

                if (update)
                {
                    await AptGetAsync(tree, ["update"], packages, cancellationToken).ConfigureAwait(false);
                }

                var install = new List<string> { "install", "-y" };
                if (!recommends)
                {
                    install.Add("--no-install-recommends");
                }

                install.Add("--");
                install.AddRange(packages);
                await AptGetAsync(tree, install, packages, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (policyPlaced)
                {
                    Restore(tree, PolicyRcD);
                }

                if (resolverPlaced)
                {
                    Restore(tree, "etc/resolv.conf");
                }
            }
        }

        DebianTree.RemoveAptCaches(tree);
        DebianTree.ResetMachineId(tree);
    }

    private static async Task AptGetAsync(string tree, IReadOnlyList<string> arguments, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // No debconf questions: take the packages' defaults.
            ["DEBIAN_FRONTEND"] = "noninteractive",
            ["DEBCONF_NONINTERACTIVE_SEEN"] = "true",
            // The build root's locale may not exist in the tree; C is always there.
            ["LC_ALL"] = "C",
            ["LANGUAGE"] = "",
            ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
        };
        string[] command = [tree, "apt-get", "-q", .. arguments];
        CommandResult result = await Command.TryRunAsync("chroot", command, cancellationToken, new() { Environment = environment }).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return;
        }

        // apt says "Unable to locate package X" or "Package 'X' has no installation candidate";
        // name those packages up front, the full message follows.
        var missing = MissingPackagePattern().Matches(result.StderrTail)
            .Select(m => m.Groups["a"].Success ? m.Groups["a"].Value : m.Groups["b"].Value)
            .Where(packages.Contains)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        string failure = Command.DescribeFailure("chroot", command, result);
        throw new PluginFailedException(missing.Count > 0
            ? $"package(s) not available from the tree's apt sources: {string.Join(", ", missing)}; {failure}"
            : failure);
    }

    [GeneratedRegex(@"Unable to locate package (?<a>\S+)|Package '(?<b>[^']+)' has no installation candidate")]
    private static partial Regex MissingPackagePattern();

    /// <summary>
    /// The resolver configuration for apt's downloads: the build root's (the container shares the
    /// host's network). The tree has none after org.osbuild.debootstrap, on purpose.
    /// </summary>
    private static string? ResolverFromBuildRoot()
        => File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : null;

    /// <summary>
    /// Puts <paramref name="content"/> at TREE/<paramref name="relative"/> for the run, moving what
    /// is there (file or symlink) aside; <see cref="Restore"/> brings it back. With null content
    /// nothing is placed.
    /// </summary>
    /// <returns>Whether something was placed (and must be restored).</returns>
    private static bool PlaceAside(string tree, string relative, string? content)
    {
        if (content is null)
        {
            return false;
        }

        string path = Path.Combine(tree, relative);
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            File.Move(path, path + SavedSuffix);
        }

        File.WriteAllText(path, content);
        return true;
    }

    private static void Restore(string tree, string relative)
    {
        string path = Path.Combine(tree, relative);
        string saved = path + SavedSuffix;
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
        }

        if (File.Exists(saved) || new FileInfo(saved).LinkTarget is not null)
        {
            File.Move(saved, path);
        }
    }
}
