using System.Text.Json.Nodes;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Packages;

/// <summary>org.osbuild.yum: Debian 12 has no yum, so the stage must say so clearly.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class YumStageTests(PackageRepository repository) : IClassFixture<PackageRepository>
{
    [Fact]
    public void Yum_NoYumInBuildRoot_FailsClearly()
    {
        // Given a build root (the host) without yum
        PackageBuild.RequireRoot();
        Assert.SkipWhen(HasYum(), "yum is installed here; this test covers build roots without it");
        using var scratch = new TempStore();
        var options = new JsonObject
        {
            ["repos"] = new JsonArray(new JsonObject { ["baseurl"] = "http://127.0.0.1:9/repo/" }),
            ["packages"] = new JsonArray("bash"),
            ["releasever"] = "27",
        };

        // When the yum stage runs
        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, PackageBuild.Manifest([], PackageBuild.Stage("org.osbuild.yum", options)));

        // Then it fails naming what is missing
        Assert.Null(outcome.Tree);
        Assert.Contains("yum not found in the build root", outcome.Result.Stdout + outcome.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Yum_YumInBuildRoot_Installs()
    {
        Assert.SkipUnless(HasYum(), "yum is not installed in this build root (Debian 12 does not package it); the yum stage cannot install anything here");
        PackageBuild.RequireRoot();
        repository.RequireAvailable();
        using var scratch = new TempStore();
        var options = new JsonObject
        {
            ["repos"] = new JsonArray(new JsonObject { ["baseurl"] = repository.RepositoryUrl, ["gpgkey"] = repository.PublicKey }),
            ["packages"] = new JsonArray("osb-app"),
            ["releasever"] = "27",
        };

        PackageBuild.Outcome outcome = PackageBuild.Build(scratch, PackageBuild.Manifest([], PackageBuild.Stage("org.osbuild.yum", options)));

        Assert.True(outcome.Tree is not null, outcome.Result.ToString());
        Assert.Contains("osb-lib", PackageBuild.InstalledPackages(outcome.Tree!));
    }

    private static bool HasYum()
        => Environment.GetEnvironmentVariable("PATH")!.Split(':').Append("/usr/bin").Any(dir => File.Exists(Path.Combine(dir, "yum")));
}
