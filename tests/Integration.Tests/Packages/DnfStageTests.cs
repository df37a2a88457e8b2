using System.Text.Json.Nodes;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Packages;

/// <summary>org.osbuild.dnf through the real host, against a createrepo_c repository served on 127.0.0.1.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DnfStageTests(PackageRepository repository) : IClassFixture<PackageRepository>
{
    [Fact]
    public void Dnf_AppWithDefaults_ResolvesDependenciesAndWeakDependency()
    {
        // Given the signed repository, named by checksum through the org.osbuild.dnf source
        Prepare();
        using var scratch = new TempStore();
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-app") }, viaSource: true);

        // When dnf installs osb-app (weak dependencies on by default)
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        // Then the chain osb-app -> osb-lib -> osb-base and the recommended osb-extra are installed,
        Assert.True(outcome.Tree is not null, outcome.Result.ToString());
        string tree = outcome.Tree!;
        Assert.Equal(["osb-app", "osb-base", "osb-extra", "osb-lib"], PackageBuild.InstalledPackages(tree));
        Assert.Equal("osb-app post scriptlet ran\n", File.ReadAllText(Path.Combine(tree, "var/lib/osb-app/post-ran")));
        // the dnf cache is empty, the fake machine id gone
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(tree, "var/cache/dnf")));
        Assert.Equal(0, new FileInfo(Path.Combine(tree, "etc/machine-id")).Length);
        Assert.Contains("deleting the fake machine id", outcome.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dnf_WeakDepsOff_RecommendedPackageNotInstalled()
    {
        Prepare();
        using var scratch = new TempStore();
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-app"), ["install_weak_deps"] = false });

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        Assert.True(outcome.Tree is not null, outcome.Result.ToString());
        Assert.Equal(["osb-app", "osb-base", "osb-lib"], PackageBuild.InstalledPackages(outcome.Tree!));
        Assert.Contains("install_weak_deps=False", outcome.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Dnf_ExcludedWeakDependency_NotInstalled()
    {
        Prepare();
        using var scratch = new TempStore();
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-app"), ["exclude_packages"] = new JsonArray("osb-extra") });

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        Assert.True(outcome.Tree is not null, outcome.Result.ToString());
        Assert.Equal(["osb-app", "osb-base", "osb-lib"], PackageBuild.InstalledPackages(outcome.Tree!));
    }

    [Fact]
    public void Dnf_ExcludedHardDependency_Fails()
    {
        Prepare();
        using var scratch = new TempStore();
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-app"), ["exclude_packages"] = new JsonArray("osb-lib") });

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        Assert.Null(outcome.Tree);
        Assert.Contains("osb-lib", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dnf_MissingPackage_FailsNamingIt()
    {
        Prepare();
        using var scratch = new TempStore();
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-app", "osb-nonexistent") });

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        Assert.Null(outcome.Tree);
        Assert.Contains("package(s) not found in the repositories: osb-nonexistent", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dnf_WrongMetadataChecksum_FailsWithBothChecksums()
    {
        Prepare();
        using var scratch = new TempStore();
        string wrong = "sha256:" + new string('0', 64);
        string manifest = DnfManifest(new JsonObject { ["packages"] = new JsonArray("osb-base") }, checksum: wrong);

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, manifest);

        Assert.Null(outcome.Tree);
        Assert.Contains(
            $"error: repo was configured with checksum {new string('0', 64)}, but actually got {repository.RepomdChecksum["sha256:".Length..]}",
            outcome.Result.Stdout + outcome.Result.Stderr,
            StringComparison.Ordinal);
    }

    private void Prepare()
    {
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
    }

    /// <summary>One dnf stage with the test repository, inline or through the org.osbuild.dnf source.</summary>
    private string DnfManifest(JsonObject options, bool viaSource = false, string? checksum = null)
    {
        checksum ??= repository.RepomdChecksum;
        options["releasever"] = "37";
        options["basearch"] = "x86_64";
        var sources = new JsonObject();
        if (viaSource)
        {
            options["repos"] = new JsonArray(checksum);
            sources["org.osbuild.dnf"] = new JsonObject
            {
                ["repos"] = new JsonObject { [checksum] = new JsonObject { ["baseurl"] = repository.RepositoryUrl, ["gpgkey"] = repository.PublicKey } },
            };
        }
        else
        {
            options["repos"] = new JsonArray(new JsonObject { ["baseurl"] = repository.RepositoryUrl, ["checksum"] = checksum, ["gpgkey"] = repository.PublicKey });
        }

        return PackageBuild.Manifest(sources, PackageBuild.Stage("org.osbuild.dnf", options));
    }
}
