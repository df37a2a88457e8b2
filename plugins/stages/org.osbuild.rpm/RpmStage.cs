using System.Text.RegularExpressions;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Rpm;

/// <summary>
/// org.osbuild.rpm: installs exact .rpm files, fetched by checksum through the org.osbuild.files
/// source, with the build root's rpm, verifying every package's digests and signature against the
/// keys given in <c>gpgkeys</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class RpmStage
{
    public const string Name = "org.osbuild.rpm";

    private const string FilesSource = "org.osbuild.files";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        IReadOnlyList<string> keys = OptionReader.StringArray(options, "gpgkeys");
        IReadOnlyList<string> packages = OptionReader.StringArray(options, "packages");
        string tree = context.Tree;
        string rpmkeys = Command.Require("rpmkeys", "rpm");
        string rpm = Command.Require("rpm", "rpm");

        string scratch = PackageTree.CreateScratch(Name);
        try
        {
            for (int i = 0; i < keys.Count; i++)
            {
                string keyFile = Path.Combine(scratch, $"gpgkey.{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                await File.WriteAllTextAsync(keyFile, keys[i], cancellationToken).ConfigureAwait(false);
                await RunRpmAsync(rpmkeys, ["--root", tree, "--dbpath", PackageTree.DbPath, "--import", keyFile], cancellationToken).ConfigureAwait(false);
                Console.WriteLine("imported gpg key");
            }

            Console.WriteLine("fetching sources");
            Console.Out.Flush();
            await PackageTree.GetSourcesAsync(context, FilesSource, packages, cancellationToken).ConfigureAwait(false);
            string files = context.SourceDirectory(FilesSource);

            bool fakeMachineId;
            await using (var mounts = new Mounts())
            {
                fakeMachineId = await PackageTree.PrepareAsync(tree, mounts, cancellationToken).ConfigureAwait(false);
                if (packages.Count > 0)
                {
                    // The reference lists bare checksums and runs rpm in the files directory; full
                    // paths in the manifest are the same files without a working-directory change.
                    string manifest = Path.Combine(scratch, "manifest");
                    await File.WriteAllLinesAsync(manifest, packages.Select(p => Path.Combine(files, p)), cancellationToken).ConfigureAwait(false);
                    await InstallAsync(rpm, tree, manifest, cancellationToken).ConfigureAwait(false);
                }
            }

            PackageTree.Finish(tree, fakeMachineId);
        }
        finally
        {
            PackageTree.RemoveScratch(scratch);
        }
    }

    private static async Task InstallAsync(string rpm, string tree, string manifest, CancellationToken cancellationToken)
    {
        // _pkgverify_level all: every package must carry a valid signature by an imported key and
        // intact digests. rpm 4.18 also refuses unsigned packages at this level (the 2020 rpm let
        // them through); an image built from packages nobody signed is what this stage guards
        // against, so the stricter rpm is kept and the refusal is explained.
        string[] arguments = ["--verbose", "--root", tree, "--dbpath", PackageTree.DbPath, "--define", "_pkgverify_level all", "--install", manifest];
        Console.WriteLine(Command.Format(rpm, arguments));
        Console.Out.Flush();
        CommandResult result = await Command.TryRunAsync(rpm, arguments, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return;
        }

        var refused = NotVerifiedPattern().Matches(result.StderrTail).Select(m => m.Value.Trim()).ToList();
        string failure = Command.DescribeFailure(rpm, arguments, result);
        if (refused.Count > 0)
        {
            throw new PluginFailedException(
                $"rpm refused {refused.Count} package(s) that failed signature or digest verification (every package must be intact and signed by a key listed in 'gpgkeys'): {string.Join("; ", refused)}; {failure}");
        }

        throw new PluginFailedException(failure);
    }

    private static async Task RunRpmAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        Console.WriteLine(Command.Format(file, arguments));
        Console.Out.Flush();
        await Command.RunAsync(file, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>rpm's verdict per package: "package NAME does not verify: REASON".</summary>
    [GeneratedRegex(@"package \S+ does not verify: [^\n]*")]
    private static partial Regex NotVerifiedPattern();
}
