using System.Diagnostics;
using System.Security.Cryptography;
using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Sources;

namespace Engine.Integration.Tests.Packages;

/// <summary>
/// Real RPMs for the package stage tests, made at test time: the spec files of tests/Fixtures/rpms
/// built with rpmbuild, all but osb-unsigned signed with a throwaway GPG key, a createrepo_c
/// repository of the signed ones, all served over HTTP on 127.0.0.1 by a server this object owns.
/// Shared by the tests of a class (building takes a few seconds); disposed after them.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackageRepository : IAsyncLifetime
{
    public const string Signed = "signed";

    private static readonly string[] Tools = ["rpmbuild", "rpmsign", "createrepo_c", "gpg"];

    private TestHttpServer? _server;

    /// <summary>Why the packages could not be made (a tool is missing), or null.</summary>
    public string? Unavailable { get; private set; }

    public string Root { get; } = Directory.CreateTempSubdirectory("h8-rpms-").FullName;

    /// <summary>The armored public key the signed packages carry signatures of.</summary>
    public string PublicKey { get; private set; } = "";

    /// <summary>Base URL of the served directory: <c>signed/</c> (the repository) and <c>unsigned/</c>.</summary>
    public string BaseUrl => _server?.BaseUrl ?? throw new InvalidOperationException(Unavailable);

    public string RepositoryUrl => BaseUrl + Signed + "/";

    /// <summary>SHA-256 of the repository's repodata/repomd.xml (what the dnf stage pins).</summary>
    public string RepomdChecksum { get; private set; } = "";

    /// <summary>Path of a package file: <c>signed/NAME-1.0-1.noarch.rpm</c> or <c>unsigned/...</c>.</summary>
    public string PackagePath(string folder, string name) => Path.Combine(Root, folder, name + "-1.0-1.noarch.rpm");

    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async ValueTask InitializeAsync()
    {
        string? missing = Tools.FirstOrDefault(tool => !Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(dir => File.Exists(Path.Combine(dir, tool))));
        if (missing is not null)
        {
            Unavailable = $"{missing} is not installed (apt packages rpm, createrepo-c, gnupg)";
            return;
        }

        string top = Path.Combine(Root, "rpmbuild");
        foreach (string spec in Directory.EnumerateFiles(Path.Combine(Osbuild.Fixtures, "rpms"), "*.spec").Order(StringComparer.Ordinal))
        {
            Run("rpmbuild", ["-bb", "--nodeps", "--define", "_topdir " + top, spec]);
        }

        string unsigned = Path.Combine(Root, "unsigned");
        string signed = Path.Combine(Root, Signed);
        Directory.CreateDirectory(unsigned);
        Directory.CreateDirectory(signed);
        foreach (string rpm in Directory.EnumerateFiles(Path.Combine(top, "RPMS", "noarch"), "*.rpm"))
        {
            File.Copy(rpm, Path.Combine(unsigned, Path.GetFileName(rpm)));
            if (!Path.GetFileName(rpm).StartsWith("osb-unsigned-", StringComparison.Ordinal))
            {
                File.Copy(rpm, Path.Combine(signed, Path.GetFileName(rpm)));
            }
        }

        string gnupg = Path.Combine(Root, "gnupg");
        Directory.CreateDirectory(gnupg);
        File.SetUnixFileMode(gnupg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var gpgHome = new Dictionary<string, string> { ["GNUPGHOME"] = gnupg };
        const string Identity = "osbuild package tests <h8@osbuild.invalid>";
        Run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", Identity, "rsa2048", "sign", "never"], gpgHome);
        PublicKey = Run("gpg", ["--armor", "--export", Identity], gpgHome);
        // Debian's rpm calls gpg2 by default, which Debian does not ship under that name.
        Run("rpmsign", ["--define", "_gpg_name " + Identity, "--define", "__gpg /usr/bin/gpg", "--addsign", .. Directory.GetFiles(signed, "*.rpm")], gpgHome);
        Run("createrepo_c", ["--quiet", signed]);
        RepomdChecksum = Sha256(Path.Combine(signed, "repodata", "repomd.xml"));
        Run("gpgconf", ["--kill", "all"], gpgHome);
        _server = new TestHttpServer(Root);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        Run("rm", ["-rf", "--one-file-system", Root]);
    }

    /// <summary>Skips the calling test when the tools are missing.</summary>
    public void RequireAvailable() => Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");

    internal static string Run(string file, IReadOnlyList<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }
}
