using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Debootstrap;

/// <summary>
/// org.osbuild.debootstrap: installs a Debian (or derivative) base system into the empty tree with
/// the build root's <c>debootstrap</c>, then removes what must not go into an image.
/// </summary>
internal static class DebootstrapStage
{
    public const string Name = "org.osbuild.debootstrap";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        string suite = OptionReader.RequiredString(options, "suite");
        string variant = OptionReader.String(options, "variant") ?? "minbase";
        string tree = context.Tree;

        RequireEmptyTree(tree);
        string mirror = OptionReader.String(options, "mirror") ?? DefaultMirror(suite);

        var arguments = new List<string>();
        if (variant != "default")
        {
            arguments.Add($"--variant={variant}");
        }

        if (OptionReader.String(options, "architecture") is { } architecture)
        {
            arguments.Add($"--arch={architecture}");
        }

        AddList(arguments, "--components=", OptionReader.StringArray(options, "components"));
        AddList(arguments, "--include=", OptionReader.StringArray(options, "packages"));
        AddList(arguments, "--exclude=", OptionReader.StringArray(options, "exclude"));
        if (OptionReader.String(options, "keyring") is { } keyring)
        {
            if (!File.Exists(keyring))
            {
                throw new PluginFailedException($"keyring '{keyring}' does not exist in the build root");
            }

            arguments.Add($"--keyring={keyring}");
        }

        arguments.AddRange([suite, tree, mirror]);
        Console.WriteLine($"debootstrap {suite} ({variant}) from {mirror}");
        await Command.RunAsync("debootstrap", arguments, cancellationToken).ConfigureAwait(false);

        CleanTree(tree);
    }

    /// <summary>
    /// debootstrap refuses some non-empty targets and silently mixes into others; a stage that
    /// builds a base system must start from nothing, so say so instead.
    /// </summary>
    private static void RequireEmptyTree(string tree)
    {
        if (!Directory.Exists(tree))
        {
            throw new PluginFailedException($"the tree '{tree}' does not exist");
        }

        string? first = Directory.EnumerateFileSystemEntries(tree).FirstOrDefault();
        if (first is not null)
        {
            throw new PluginFailedException(
                $"the tree is not empty (it holds '{Path.GetFileName(first)}'); {Name} installs a base system and must be the first stage of its pipeline");
        }
    }

    private static string DefaultMirror(string suite)
    {
        IReadOnlyList<AptSourceEntry> entries = HostAptSources.Read(HostAptSources.DefaultDirectory);
        AptSourceEntry? chosen = HostAptSources.ChooseMirror(entries, suite);
        if (chosen is null)
        {
            throw new PluginFailedException(
                $"no mirror given and none found: the build host's apt sources ({HostAptSources.DefaultDirectory}/sources.list and sources.list.d/) " +
                "name no http, https or file archive; set the option 'mirror'");
        }

        string why = chosen.Suites.Contains(suite, StringComparer.Ordinal) ? $"it serves {suite}" : $"no host source lists {suite}; using the first one";
        Console.WriteLine($"mirror: {chosen.Uri} (from the build host's {chosen.Origin}; {why})");
        return chosen.Uri;
    }

    private static void AddList(List<string> arguments, string flag, IReadOnlyList<string> items)
    {
        if (items.Count > 0)
        {
            arguments.Add(flag + string.Join(',', items));
        }
    }

    /// <summary>Removes what debootstrap leaves that must not be in an image.</summary>
    private static void CleanTree(string tree)
    {
        // debootstrap copies the build host's /etc/hostname and /etc/resolv.conf into the target so
        // that its chroot can resolve names. Both describe the build machine: the hostname would
        // name every booted image after it (org.osbuild.hostname sets the image's own), and the
        // resolver is the build network's (the booted system gets its own from DHCP or resolved).
        // org.osbuild.apt brings a resolver in for its run and takes it away again.
        DeleteIfPresent(Path.Combine(tree, "etc/hostname"));
        DeleteIfPresent(Path.Combine(tree, "etc/resolv.conf"));

        // Package lists and caches are a build-time snapshot of the archive (DebianTree).
        DebianTree.RemoveAptCaches(tree);

        // A machine id made by a package script would be shared by every booted image.
        DebianTree.ResetMachineId(tree);

        // The device nodes debootstrap creates in /dev go: a stored tree may hold only files,
        // directories and symlinks (the treesum rejects anything else, as osbuild's does), and a
        // booted system mounts devtmpfs over /dev anyway. Stages that chroot into the tree and need
        // devices bind-mount /dev themselves (org.osbuild.apt, org.osbuild.dnf).
        string dev = Path.Combine(tree, "dev");
        if (Directory.Exists(dev))
        {
            Command.Run("find", [dev, "-mindepth", "1", "(", "-type", "b", "-o", "-type", "c", "-o", "-type", "p", "-o", "-type", "s", ")", "-delete"], CommandSettings.Echoed with { StdoutTarget = Stream.Null });
        }
    }

    private static void DeleteIfPresent(string path)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
        }
    }
}
