using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Host.Debian;

namespace Engine.Host.Cli;

/// <summary>
/// <c>osbuild depsolve-deb --suite S --mirror URL [--arch A] [--component C]... [--keyring K]
/// [--recommends] [--base MANIFEST] [--output FILE] PACKAGE...</c>: resolves the packages with apt
/// against the archive's signed index and writes a manifest that pins every .deb by checksum
/// (<see cref="PinnedManifest"/>).
/// </summary>
internal static class DepsolveDebCommand
{
    internal const string DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    internal static Command Create()
    {
        var packages = new Argument<string[]>("PACKAGE") { Description = "packages to install (the suite's Priority: required set is always added)", Arity = ArgumentArity.OneOrMore };
        var suite = new Option<string>("--suite") { Description = "suite or code name, e.g. bookworm", HelpName = "SUITE", Required = true };
        var mirror = new Option<string>("--mirror") { Description = "archive base URI (http, https or file)", HelpName = "URL", Required = true };
        var architecture = new Option<string?>("--arch") { Description = "Debian architecture (default: the build host's, from dpkg)", HelpName = "ARCH" };
        var components = new Option<string[]>("--component") { Description = "archive component (repeatable; default: main)", HelpName = "COMPONENT", AllowMultipleArgumentsPerToken = false };
        var keyring = new Option<string>("--keyring") { Description = "keyring that must have signed the archive's Release file", DefaultValueFactory = _ => DefaultKeyring, HelpName = "FILE" };
        var recommends = new Option<bool>("--recommends") { Description = "also install recommended packages" };
        var baseManifest = new Option<string?>("--base") { Description = "manifest whose main pipeline follows the new org.osbuild.debs stage (an org.osbuild.debs stage at its front is replaced, keeping its other options)", HelpName = "MANIFEST" };
        var output = new Option<string>("--output", "-o") { Description = "where to write the manifest, - for standard output", DefaultValueFactory = _ => "-", HelpName = "FILE" };
        var lists = new Option<string?>("--lists") { Description = "keep apt's downloaded indexes in this directory and reuse them (apt checks them against the signed Release again)", HelpName = "DIRECTORY" };
        var command = new Command("depsolve-deb", "resolve Debian packages with apt against a signed archive and pin every .deb by checksum in a manifest")
        {
            packages, suite, mirror, architecture, components, keyring, recommends, baseManifest, output, lists,
        };
        command.SetAction((result, cancellationToken) =>
        {
            string[] asked = result.GetValue(components) ?? [];
            var request = new DepsolveRequest(
                result.GetValue(suite)!,
                result.GetValue(mirror)!.TrimEnd('/'),
                result.GetValue(architecture) ?? HostArchitecture(),
                asked.Length > 0 ? asked : ["main"],
                result.GetValue(keyring)!,
                result.GetValue(recommends),
                result.GetValue(packages) ?? [],
                CommandLineDefinition.Absolute(result.GetValue(lists)));
            return RunAsync(request, result.GetValue(baseManifest), result.GetValue(output)!, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    internal static async Task<int> RunAsync(DepsolveRequest request, string? basePath, string output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!request.Mirror.StartsWith("http://", StringComparison.Ordinal) && !request.Mirror.StartsWith("https://", StringComparison.Ordinal) && !request.Mirror.StartsWith("file:/", StringComparison.Ordinal))
        {
            stderr.WriteLine($"error: --mirror '{request.Mirror}' is not an http, https or file URI");
            return ExitCodes.InvalidInput;
        }

        JsonObject? baseObject = null;
        if (basePath is not null)
        {
            try
            {
                baseObject = JsonNode.Parse(await File.ReadAllTextAsync(basePath, cancellationToken).ConfigureAwait(false)) as JsonObject
                    ?? throw new JsonException("the top level is not an object");
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: --base {basePath}: {e.Message}");
                return ExitCodes.InvalidInput;
            }
        }

        IReadOnlyList<ResolvedDeb> debs;
        string text;
        try
        {
            debs = await AptResolver.ResolveAsync(request, stderr, cancellationToken).ConfigureAwait(false);
            text = PinnedManifest.Render(PinnedManifest.Create(request, debs, baseObject));
        }
        catch (DepsolveException e)
        {
            stderr.WriteLine($"error: depsolve-deb: {e.Message}");
            return ExitCodes.BuildFailed;
        }

        if (output == "-")
        {
            await stdout.WriteAsync(text).ConfigureAwait(false);
        }
        else
        {
            // Written beside the target and renamed: the manifest given as --base may be the same file.
            string temporary = output + ".tmp";
            await File.WriteAllTextAsync(temporary, text, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, output, overwrite: true);
        }

        stderr.WriteLine($"depsolve-deb: {debs.Count} packages, {debs.Sum(d => d.Size) / 1_000_000.0:F1} MB, pinned{(output == "-" ? "" : " in " + output)}");
        return ExitCodes.Success;
    }

    private static string HostArchitecture()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dpkg", ["--print-architecture"]) { RedirectStandardOutput = true, UseShellExecute = false });
            string? architecture = process?.StandardOutput.ReadToEnd().Trim();
            process?.WaitForExit();
            return string.IsNullOrEmpty(architecture) ? "amd64" : architecture;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "amd64";
        }
    }
}
