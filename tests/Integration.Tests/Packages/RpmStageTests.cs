using System.Text.Json.Nodes;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Packages;

/// <summary>org.osbuild.rpm through the real host: signed packages fetched by checksum over HTTP.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RpmStageTests(PackageRepository repository) : IClassFixture<PackageRepository>
{
    private static readonly string[] All = ["osb-app", "osb-base", "osb-extra", "osb-lib"];

    [Fact]
    public void Rpm_SignedPackagesWithKey_InstalledAndListedInTreeDatabase()
    {
        // Given the four signed packages, served over HTTP and named by sha256, and their key
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
        using var scratch = new TempStore();
        string manifest = RpmManifest(All.Select(name => repository.PackagePath(PackageRepository.Signed, name)), [repository.PublicKey]);

        // When the rpm stage installs them into an empty tree
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        // Then the build succeeds, the tree's database (/var/lib/rpm) lists exactly them,
        Assert.True(outcome.Tree is not null, outcome.Result.ToString());
        string tree = outcome.Tree!;
        Assert.Equal(All, PackageBuild.InstalledPackages(tree));
        Assert.True(File.Exists(Path.Combine(tree, "var/lib/rpm/rpmdb.sqlite")));
        Assert.False(Directory.Exists(Path.Combine(tree, "root/.rpmdb")));
        // the set-uid mode survived, the Lua %post ran chrooted in the tree,
        Assert.Equal((UnixFileMode)0x9ed, File.GetUnixFileMode(Path.Combine(tree, "usr/bin/osb-suid"))); // 04755
        Assert.Equal("osb-app post scriptlet ran\n", File.ReadAllText(Path.Combine(tree, "var/lib/osb-app/post-ran")));
        // and the fake machine id was replaced by an empty file
        Assert.Contains("creating a fake machine id", outcome.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("deleting the fake machine id", outcome.Result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(Path.Combine(tree, "etc/machine-id")).Length);
        Assert.Contains("imported gpg key", outcome.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpm_UnsignedPackage_FailsNamingIt()
    {
        // Given an unsigned package (and the key, which cannot vouch for it)
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
        using var scratch = new TempStore();
        string manifest = RpmManifest([repository.PackagePath("unsigned", "osb-unsigned")], [repository.PublicKey]);

        // When the rpm stage installs it
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        // Then the build fails with rpm's verdict for that package
        Assert.Null(outcome.Tree);
        Assert.Contains("rpm refused 1 package(s) that failed signature or digest verification", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("package osb-unsigned-1.0-1.noarch does not verify: no signature", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpm_TamperedSignedPackage_FailsNamingIt()
    {
        // Given a signed package with one payload byte changed (its file checksum is the tampered one's)
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
        using var scratch = new TempStore();
        string tampered = Path.Combine(repository.Root, "tampered", "osb-base-1.0-1.noarch.rpm");
        Directory.CreateDirectory(Path.GetDirectoryName(tampered)!);
        byte[] bytes = File.ReadAllBytes(repository.PackagePath(PackageRepository.Signed, "osb-base"));
        bytes[^20] ^= 0xff;
        File.WriteAllBytes(tampered, bytes);
        string manifest = RpmManifest([tampered], [repository.PublicKey]);

        // When the rpm stage installs it
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        // Then the build fails, naming the package and the check it failed
        Assert.Null(outcome.Tree);
        Assert.Contains("package osb-base-1.0-1.noarch does not verify:", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpm_SignedPackageWithoutKey_Fails()
    {
        // Given a signed package but no gpgkeys
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
        using var scratch = new TempStore();
        string manifest = RpmManifest([repository.PackagePath(PackageRepository.Signed, "osb-base")], []);

        // When the rpm stage installs it
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        // Then the key is missing and the package is refused
        Assert.Null(outcome.Tree);
        Assert.Contains("package osb-base-1.0-1.noarch does not verify:", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A files source with URLs under the test server, and one rpm stage.</summary>
    private string RpmManifest(IEnumerable<string> files, IReadOnlyList<string> keys)
    {
        var urls = new JsonObject();
        var packages = new JsonArray();
        foreach (string file in files)
        {
            string checksum = PackageRepository.Sha256(file);
            urls[checksum] = repository.BaseUrl + Path.GetRelativePath(repository.Root, file);
            packages.Add(checksum);
        }

        var options = new JsonObject { ["gpgkeys"] = new JsonArray([.. keys.Select(k => JsonValue.Create(k))]), ["packages"] = packages };
        return PackageBuild.Manifest(new JsonObject { ["org.osbuild.files"] = new JsonObject { ["urls"] = urls } }, PackageBuild.Stage("org.osbuild.rpm", options));
    }
}
