using System.Globalization;
using System.Text;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Debs;

/// <summary>
/// org.osbuild.debs: makes a Debian tree from exact .deb files, fetched by checksum through the
/// org.osbuild.files source, with no network: the files become a local flat repository (only
/// they are in it, so apt can pick nothing else) and mmdebstrap bootstraps and installs them in
/// one run. The pinned counterpart of org.osbuild.debootstrap + org.osbuild.apt; the packages
/// come from <c>osbuild depsolve-deb</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DebsStage
{
    public const string Name = "org.osbuild.debs";

    private const string FilesSource = "org.osbuild.files";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<string> packages = OptionReader.StringArray(options, "packages", required: true);
        string suite = OptionReader.RequiredString(options, "suite");
        string mirror = OptionReader.RequiredString(options, "mirror");
        IReadOnlyList<string> components = OptionReader.StringArray(options, "components");
        long epoch = OptionReader.Integer(options, "source_date_epoch") ?? 0;
        InitramfsSettings? initramfs = InitramfsSettings.Read(options);
        string tree = context.Tree;
        if (packages.Count == 0)
        {
            throw new PluginFailedException("option 'packages' must list at least one .deb checksum");
        }

        RequireEmptyTree(tree);
        string mmdebstrap = Command.Require("mmdebstrap", "mmdebstrap");
        string ftparchive = Command.Require("apt-ftparchive", "apt-utils");

        // Every .deb is fetched and hash-checked by the host before anything is installed: a bad
        // checksum or a package the archive no longer serves fails here, with the tree untouched.
        Console.WriteLine($"fetching {packages.Count} packages");
        Console.Out.Flush();
        await PackageTree.GetSourcesAsync(context, FilesSource, packages, cancellationToken).ConfigureAwait(false);
        string files = context.SourceDirectory(FilesSource);

        string scratch = Directory.CreateTempSubdirectory(Name + ".").FullName;
        try
        {
            string repository = await LocalRepository.CreateAsync(Path.Combine(scratch, "repo"), files, packages, suite, ftparchive, cancellationToken).ConfigureAwait(false);
            var arguments = new MmdebstrapArguments(suite, repository, tree, initramfs, scratch).Build();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SOURCE_DATE_EPOCH"] = epoch.ToString(CultureInfo.InvariantCulture),
                // The kernel's postinst would build an initramfs, and the initramfs-tools trigger
                // another one; both are skipped and one is built at the end (MmdebstrapArguments).
                ["INITRD"] = "No",
                ["DEBIAN_FRONTEND"] = "noninteractive",
                ["DEBCONF_NONINTERACTIVE_SEEN"] = "true",
                ["LC_ALL"] = "C.UTF-8",
                ["LANGUAGE"] = "",
                ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
            };
            if (EatMyData.Library() is { } library)
            {
                // No fsync or sync: a tree that a crash interrupts is never committed, and a
                // committed one is written back by the kernel like every other object of the store.
                environment["LD_PRELOAD"] = library;
            }

            await Command.RunAsync(mmdebstrap, arguments, cancellationToken, CommandSettings.Echoed with { Environment = environment }).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // /tmp is the container's private one; a leftover goes with it.
            }
        }

        ReproducibleTree.Clean(tree);
        foreach (string settings in MmdebstrapArguments.SettingsFiles)
        {
            File.Delete(Path.Combine(tree, settings));
        }

        WriteAptSources(tree, mirror, suite, components.Count > 0 ? components : ["main"]);
    }

    /// <summary>The image's apt points at the archive the packages came from, not at the local repository of the build.</summary>
    private static void WriteAptSources(string tree, string mirror, string suite, IReadOnlyList<string> components)
    {
        string path = Path.Combine(tree, "etc/apt/sources.list");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"deb {mirror} {suite} {string.Join(' ', components)}\n", new UTF8Encoding(false));
    }

    private static void RequireEmptyTree(string tree)
    {
        string? first = Directory.EnumerateFileSystemEntries(tree).FirstOrDefault();
        if (first is not null)
        {
            throw new PluginFailedException(
                $"the tree is not empty (it holds '{Path.GetFileName(first)}'); {Name} installs a whole system and must be the first stage of its pipeline");
        }
    }
}
