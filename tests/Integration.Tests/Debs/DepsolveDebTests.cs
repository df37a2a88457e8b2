using System.Text.Json.Nodes;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Debs;

/// <summary>
/// <c>osbuild depsolve-deb</c> against a real signed archive on 127.0.0.1 (<see cref="LocalDebianArchive"/>):
/// the closure is pinned with the index's checksums, and an unsigned or tampered Release file, an
/// index that does not match it, or a missing package each stop it with a clear error. No root and
/// no network are needed.
/// </summary>
public sealed class DepsolveDebTests
{
    private static Osbuild.Result Depsolve(LocalDebianArchive archive, params string[] packages)
        => Osbuild.Run(["depsolve-deb", "--suite", LocalDebianArchive.Suite, "--mirror", archive.Mirror, "--arch", "amd64", "--keyring", archive.Keyring, .. packages]);

    [Fact]
    public async Task SignedArchive_PinsTheClosureWithTheIndexChecksums()
    {
        LocalDebianArchive.RequireTools();
        await using var archive = new LocalDebianArchive(ArchiveFault.None);

        Osbuild.Result result = Depsolve(archive, "osbuild-test-app");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonObject manifest = JsonNode.Parse(result.Stdout)!.AsObject();
        JsonObject stage = manifest["pipeline"]!["stages"]![0]!.AsObject();
        Assert.Equal("org.osbuild.debs", (string?)stage["name"]);
        Assert.Equal(LocalDebianArchive.Suite, (string?)stage["options"]!["suite"]);
        Assert.Equal(archive.Mirror, (string?)stage["options"]!["mirror"]);
        var urls = manifest["sources"]!["org.osbuild.files"]!["urls"]!.AsObject();
        string[] checksums = [.. stage["options"]!["packages"]!.AsArray().Select(p => (string)p!)];

        // The app and, through its Depends and Priority: required, the base: each once, by the
        // SHA-256 of the file the archive serves.
        Assert.Equal(2, checksums.Length);
        foreach (string name in new[] { "osbuild-test-base", "osbuild-test-app" })
        {
            string file = Path.Combine(archive.Root, "pool", $"{name}_1.0_all.deb");
            string checksum = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
            Assert.Contains(checksum, checksums);
            Assert.Equal($"{archive.Mirror}/pool/{name}_1.0_all.deb", (string?)urls[checksum]);
        }
    }

    [Fact]
    public async Task MissingPackage_FailsNamingIt()
    {
        LocalDebianArchive.RequireTools();
        await using var archive = new LocalDebianArchive(ArchiveFault.None);

        Osbuild.Result result = Depsolve(archive, "osbuild-test-app", "no-such-package");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("package(s) not in the archive's index: no-such-package", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData(ArchiveFault.Unsigned, "unsigned, or not signed by a key of the keyring given")]
    [InlineData(ArchiveFault.TamperedRelease, "unsigned, or not signed by a key of the keyring given")]
    [InlineData(ArchiveFault.PackagesNotMatchingRelease, "does not match the checksums of the signed Release file")]
    internal async Task SpoiledArchive_FailsBeforeResolving(ArchiveFault fault, string expected)
    {
        LocalDebianArchive.RequireTools();
        await using var archive = new LocalDebianArchive(fault);

        Osbuild.Result result = Depsolve(archive, "osbuild-test-app");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task OtherKeyring_RefusesTheSignature()
    {
        LocalDebianArchive.RequireTools();
        await using var archive = new LocalDebianArchive(ArchiveFault.None);
        await using var other = new LocalDebianArchive(ArchiveFault.None);

        Osbuild.Result result = Osbuild.Run(["depsolve-deb", "--suite", LocalDebianArchive.Suite, "--mirror", archive.Mirror, "--arch", "amd64", "--keyring", other.Keyring, "osbuild-test-app"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not signed by a key of the keyring given", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Base_ReplacesTheDebsStageAndKeepsItsOtherOptionsAndTheRest()
    {
        LocalDebianArchive.RequireTools();
        await using var archive = new LocalDebianArchive(ArchiveFault.None);
        string basePath = Path.Combine(archive.Scratch, "base.json");
        File.WriteAllText(basePath, """
            {"pipeline": {"stages": [
              {"name": "org.osbuild.debs", "options": {"suite": "old", "mirror": "http://old.invalid", "packages": ["sha256:0000000000000000000000000000000000000000000000000000000000000000"], "initramfs": {"modules": "list"}}},
              {"name": "org.osbuild.hostname", "options": {"hostname": "kept"}}]},
             "sources": {"org.osbuild.files": {"urls": {"sha256:0000000000000000000000000000000000000000000000000000000000000000": "http://old.invalid/a.deb"}}}}
            """);
        string output = Path.Combine(archive.Scratch, "pinned.json");

        Osbuild.Result result = Osbuild.Run(["depsolve-deb", "--suite", LocalDebianArchive.Suite, "--mirror", archive.Mirror, "--arch", "amd64", "--keyring", archive.Keyring, "--base", basePath, "-o", output, "osbuild-test-app"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        JsonArray stages = manifest["pipeline"]!["stages"]!.AsArray();
        Assert.Equal(["org.osbuild.debs", "org.osbuild.hostname"], stages.Select(s => (string)s!["name"]!));
        Assert.Equal("list", (string?)stages[0]!["options"]!["initramfs"]!["modules"]);
        Assert.Equal(archive.Mirror, (string?)stages[0]!["options"]!["mirror"]);
        var urls = manifest["sources"]!["org.osbuild.files"]!["urls"]!.AsObject();
        Assert.Equal(2, urls.Count);
        Assert.DoesNotContain(urls, u => u.Value!.ToString().Contains("old.invalid", StringComparison.Ordinal));
        Osbuild.Result check = Osbuild.Run(["--check", output]);
        Assert.True(check.ExitCode == 0, check.ToString());
    }
}
