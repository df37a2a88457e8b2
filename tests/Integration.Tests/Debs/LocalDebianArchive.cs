using System.Diagnostics;
using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Sources;

namespace Engine.Integration.Tests.Debs;

/// <summary>How the local archive's index is spoiled.</summary>
internal enum ArchiveFault
{
    None,

    /// <summary>Only a Release file, no InRelease or Release.gpg.</summary>
    Unsigned,

    /// <summary>InRelease signed, then one byte of its signed text changed.</summary>
    TamperedRelease,

    /// <summary>InRelease intact, the Packages index changed after signing.</summary>
    PackagesNotMatchingRelease,
}

/// <summary>
/// A real Debian archive on 127.0.0.1: two .debs built with dpkg-deb (osbuild-test-base, Priority:
/// required; osbuild-test-app, which depends on it), a Packages index and Release file from
/// apt-ftparchive, and an InRelease clear-signed by a throwaway gpg key whose public keyring is
/// <see cref="Keyring"/>. The fault chosen spoils it the way a bad mirror would.
/// </summary>
internal sealed class LocalDebianArchive : IAsyncDisposable
{
    public const string Suite = "osbuild-test";

    private readonly TempStore _scratch = new();
    private readonly string _gnupgHome;
    private readonly TestHttpServer _server;

    public LocalDebianArchive(ArchiveFault fault)
    {
        Root = Path.Combine(_scratch.Root, "archive");
        Keyring = Path.Combine(_scratch.Root, "keyring.gpg");
        // gpg-agent's socket path must stay short: a folder of its own under /tmp.
        _gnupgHome = Directory.CreateTempSubdirectory("gpg").FullName;
        string pool = Path.Combine(Root, "pool");
        string dist = Path.Combine(Root, "dists", Suite);
        string binary = Path.Combine(dist, "main", "binary-amd64");
        Directory.CreateDirectory(pool);
        Directory.CreateDirectory(binary);
        BuildDeb(pool, "osbuild-test-base", "Priority: required\n");
        BuildDeb(pool, "osbuild-test-app", "Priority: optional\nDepends: osbuild-test-base\n");

        File.WriteAllText(Path.Combine(binary, "Packages"), Run(Root, "apt-ftparchive", "packages", "pool"));
        string release = Run(Root, "apt-ftparchive",
            "-o", $"APT::FTPArchive::Release::Suite={Suite}", "-o", $"APT::FTPArchive::Release::Codename={Suite}",
            "-o", "APT::FTPArchive::Release::Architectures=amd64", "-o", "APT::FTPArchive::Release::Components=main",
            "release", Path.Combine("dists", Suite));
        File.WriteAllText(Path.Combine(dist, "Release"), release);

        Run(_gnupgHome, "gpg", "--homedir", _gnupgHome, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "osbuild test archive <archive@example.invalid>", "ed25519", "sign", "never");
        File.WriteAllBytes(Keyring, RunBytes("gpg", "--homedir", _gnupgHome, "--export"));
        if (fault != ArchiveFault.Unsigned)
        {
            Run(_gnupgHome, "gpg", "--homedir", _gnupgHome, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--clearsign", "-o", Path.Combine(dist, "InRelease"), Path.Combine(dist, "Release"));
        }

        if (fault == ArchiveFault.TamperedRelease)
        {
            string inRelease = Path.Combine(dist, "InRelease");
            File.WriteAllText(inRelease, File.ReadAllText(inRelease).Replace($"Suite: {Suite}", $"Suite: {Suite}x", StringComparison.Ordinal));
        }

        if (fault == ArchiveFault.PackagesNotMatchingRelease)
        {
            File.AppendAllText(Path.Combine(binary, "Packages"), "\n");
        }

        _server = new TestHttpServer(Root);
    }

    /// <summary>The archive's base URI.</summary>
    public string Mirror => $"http://127.0.0.1:{_server.Port}";

    public string Root { get; }

    /// <summary>The public keyring of the key that signed InRelease.</summary>
    public string Keyring { get; }

    /// <summary>Where a test may keep its own files.</summary>
    public string Scratch => _scratch.Root;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        // The agent gpg started for the key would outlive the test.
        RunUnchecked("gpgconf", "--homedir", _gnupgHome, "--kill", "all");
        Directory.Delete(_gnupgHome, recursive: true);
        _scratch.Dispose();
    }

    /// <summary>Skips the test unless the archive tools are installed.</summary>
    public static void RequireTools()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/apt-ftparchive"), "apt-utils (apt-ftparchive) is not installed (setup.sh installs it)");
        Assert.SkipUnless(File.Exists("/usr/bin/gpg"), "gnupg is not installed (setup.sh installs it)");
        Assert.SkipUnless(File.Exists("/usr/bin/dpkg-deb"), "dpkg-deb is missing");
    }

    private static void BuildDeb(string pool, string name, string fields)
    {
        string root = Path.Combine(pool, name);
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "share", name));
        File.WriteAllText(Path.Combine(root, "usr", "share", name, "README"), $"{name}\n");
        File.WriteAllText(Path.Combine(root, "DEBIAN", "control"),
            $"Package: {name}\nVersion: 1.0\nArchitecture: all\nMaintainer: osbuild tests <tests@example.invalid>\n{fields}Description: test package of the engine\n");
        Run(pool, "dpkg-deb", "--root-owner-group", "--build", root, Path.Combine(pool, $"{name}_1.0_all.deb"));
        Directory.Delete(root, recursive: true);
    }

    private static string Run(string directory, string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {errors.Result}");
        return output;
    }

    private static byte[] RunBytes(string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {errors.Result}");
        return buffer.ToArray();
    }

    private static void RunUnchecked(string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.WaitForExit();
    }
}
