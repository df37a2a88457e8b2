using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Host.Debian;

/// <summary>
/// Resolves a package set with apt's own resolver on a scratch apt configuration that knows only
/// the one archive: no host sources, no host dpkg status (an empty system), the keyring given.
/// apt checks the signature of the archive's InRelease (gpgv against that keyring) and the
/// Packages index against the Release file's checksums; with <c>--error-on=any</c> every such
/// failure stops the update. The closure is then what
/// <c>apt-get install --print-uris</c> would download, with URL, size and SHA-256 from the signed index.
/// </summary>
internal static partial class AptResolver
{
    /// <summary>
    /// Packages of the suite's base system, always added: what debootstrap's minbase installs
    /// besides apt. apt's pattern picks them from the index itself.
    /// </summary>
    internal const string RequiredPattern = "?priority(required)";

    public static async Task<IReadOnlyList<ResolvedDeb>> ResolveAsync(DepsolveRequest request, TextWriter log, CancellationToken cancellationToken)
    {
        if (!File.Exists(request.Keyring))
        {
            throw new DepsolveException($"the keyring '{request.Keyring}' does not exist; give the archive's signing keys with --keyring (Debian's are in the debian-archive-keyring package)");
        }

        string scratch = Directory.CreateTempSubdirectory("osbuild-depsolve-deb.").FullName;
        try
        {
            string config = WriteConfiguration(scratch, request);
            log.WriteLine($"depsolve-deb: updating the index of {request.Mirror} {request.Suite} ({string.Join(' ', request.Components)}, {request.Architecture})");
            await AptGetAsync(config, ["update", "--error-on=any"], "apt could not fetch or verify the archive's index", cancellationToken).ConfigureAwait(false);

            string[] install = ["install", "--print-uris", "-y", "-qq", "--", RequiredPattern, .. request.Packages];
            string output = await AptGetAsync(config, install, "apt could not resolve the packages", cancellationToken).ConfigureAwait(false);
            IReadOnlyList<ResolvedDeb> debs = PrintUrisParser.Parse(output);
            if (debs.Count == 0)
            {
                throw new DepsolveException("apt resolved no package to download; is the index empty?");
            }

            return debs;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The scratch configuration: <c>Dir</c> points apt at the scratch folder (and so away from
    /// the host's /etc/apt, /var/lib/apt and dpkg status). APT_CONFIG is read before apt's
    /// configuration parts, so the host's apt.conf.d cannot add index targets or hooks.
    /// </summary>
    private static string WriteConfiguration(string scratch, DepsolveRequest request)
    {
        string lists = request.ListsDirectory ?? Path.Combine(scratch, "lists");
        foreach (string directory in new[] { "etc/apt/apt.conf.d", "etc/apt/preferences.d", "etc/apt/sources.list.d", "etc/apt/trusted.gpg.d", "var/lib/dpkg", "var/cache/apt/archives/partial", "log" })
        {
            Directory.CreateDirectory(Path.Combine(scratch, directory));
        }

        Directory.CreateDirectory(Path.Combine(lists, "partial"));
        File.WriteAllText(Path.Combine(scratch, "var/lib/dpkg/status"), "");
        string keyring = Path.GetFullPath(request.Keyring);
        File.WriteAllText(
            Path.Combine(scratch, "etc/apt/sources.list"),
            $"deb [arch={request.Architecture} signed-by={keyring}] {request.Mirror} {request.Suite} {string.Join(' ', request.Components)}\n");

        var text = new StringBuilder();
        void Set(string key, string value) => text.Append(key).Append(" \"").Append(value.Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\";\n");
        Set("Dir", scratch + "/");
        Set("Dir::State::Lists", Path.GetFullPath(lists) + "/");
        Set("Dir::State::status", Path.Combine(scratch, "var/lib/dpkg/status"));
        Set("Dir::Log", Path.Combine(scratch, "log"));
        Set("Dir::Etc::TrustedParts", Path.Combine(scratch, "etc/apt/trusted.gpg.d") + "/");
        Set("Dir::Etc::Trusted", Path.Combine(scratch, "etc/apt/trusted.gpg"));
        Set("APT::Architecture", request.Architecture);
        text.Append("APT::Architectures { \"").Append(request.Architecture).Append("\"; };\n");
        Set("APT::Install-Recommends", request.Recommends ? "true" : "false");
        Set("APT::Install-Suggests", "false");
        Set("Acquire::ForceHash", "SHA256");
        Set("Acquire::Languages", "none");
        Set("Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled", "false");
        Set("Debug::NoLocking", "true");
        Set("APT::Sandbox::User", "root");
        string config = Path.Combine(scratch, "apt.conf");
        File.WriteAllText(config, text.ToString());
        return config;
    }

    private static async Task<string> AptGetAsync(string config, IReadOnlyList<string> arguments, string what, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("apt-get", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["APT_CONFIG"] = config;
        start.Environment["LC_ALL"] = "C";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DepsolveException("cannot start apt-get");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DepsolveException($"cannot run apt-get ({e.Message}); depsolve-deb needs the apt package");
        }

        using (process)
        {
            using CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already exited
                }
            });
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            string output = await stdout.ConfigureAwait(false);
            string errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode == 0)
            {
                return output;
            }

            throw new DepsolveException(Explain(what, errors));
        }
    }

    /// <summary>apt's own words, led by what they mean for the user.</summary>
    private static string Explain(string what, string errors)
    {
        var missing = MissingPackage().Matches(errors)
            .Select(m => m.Groups["a"].Success ? m.Groups["a"].Value : m.Groups["b"].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (missing.Count > 0)
        {
            return $"package(s) not in the archive's index: {string.Join(", ", missing)} (check the name, the suite and --component); apt said: {errors}";
        }

        if (errors.Contains("NO_PUBKEY", StringComparison.Ordinal) || errors.Contains("not signed", StringComparison.Ordinal)
            || errors.Contains("signatures were invalid", StringComparison.Ordinal) || errors.Contains("BADSIG", StringComparison.Ordinal)
            || errors.Contains("GPG error", StringComparison.Ordinal))
        {
            return $"the archive's Release file is unsigned, or not signed by a key of the keyring given: nothing was resolved (pass the archive's keyring with --keyring); apt said: {errors}";
        }

        if (errors.Contains("Hash Sum mismatch", StringComparison.Ordinal) || errors.Contains("File has unexpected size", StringComparison.Ordinal))
        {
            return $"an index does not match the checksums of the signed Release file (a tampered or half-synced mirror): nothing was resolved; apt said: {errors}";
        }

        return $"{what}; apt said: {errors}";
    }

    [GeneratedRegex(@"Unable to locate package (?<a>\S+)|Package '?(?<b>[^' ]+)'? has no installation candidate")]
    private static partial Regex MissingPackage();
}
