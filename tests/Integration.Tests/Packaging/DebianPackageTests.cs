using Engine.Integration.Tests.Scaffolding;

namespace Engine.Integration.Tests.Packaging;

/// <summary>
/// osbuild-engine_*.deb as a user meets it: built by packaging/build-deb.sh, installed with
/// <c>apt-get install ./osbuild-engine_*.deb</c> into a fresh Debian 12 root without .NET, used there
/// (version, plugins, inspect, a build, a missing tool, man page, completion), then purged
/// (<see cref="DebianPackageSession"/> does all of it once). Skipped when the Debian archive cannot be reached.
/// </summary>
public sealed class DebianPackageTests(DebianPackageSession session) : IClassFixture<DebianPackageSession>
{
    [Fact]
    public void Package_Installs_WithAptFromTheArchive_AndPullsInNoDotnet()
    {
        Installed();
        Assert.Matches(@"/osbuild-engine_\d+\.\d+\.\d+-1_amd64\.deb$", session.PackageFile);
        Assert.Contains("bubblewrap", session.Install!.Stdout, StringComparison.Ordinal);
        Assert.False(session.HasDotnet, "installing the package brought a .NET runtime into the root");
    }

    [Fact]
    public void Version_IsTheBuiltOnes_WithItsCommit()
    {
        Installed();
        Assert.True(session.Version!.ExitCode == 0, session.Version.ToString());
        Assert.Equal(session.BuiltVersion, session.Version.Stdout.Trim());
        Assert.Matches(@"^osbuild \d+\.\d+\.\d+ \(commit ([0-9a-f]{40}(-dirty)?|unknown)\)$", session.Version.Stdout.Trim());
    }

    [Fact]
    public void PluginsList_FindsTheBuiltinsInUsrLib()
    {
        Installed();
        Assert.True(session.PluginsList!.ExitCode == 0, session.PluginsList.ToString());
        var tar = session.PluginsList.Stdout.Split('\n').Single(l => l.StartsWith("org.osbuild.tar ", StringComparison.Ordinal));
        Assert.Contains("/usr/lib/osbuild", tar, StringComparison.Ordinal);
        Assert.Contains("assembler", tar, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_OfTheSample_GivesTheIdsOfTheSourceBuild()
    {
        Installed();
        Assert.True(session.Inspect!.ExitCode == 0, session.Inspect.ToString());
        Assert.True(session.InspectOnHost!.ExitCode == 0, session.InspectOnHost.ToString());
        Assert.Equal(session.InspectOnHost.Stdout, session.Inspect.Stdout);
    }

    [Fact]
    public void NoopBuild_WithTheTarAssembler_WritesTheArchive()
    {
        Installed();
        Assert.True(session.NoopBuild!.ExitCode == 0, session.NoopBuild.ToString());
        Assert.NotNull(session.ArchiveListing);
        Assert.True(session.ArchiveListing.ExitCode == 0, session.ArchiveListing.ToString());
        // The tree of a noop stage is empty: the archive holds its root directory alone, owned by root.
        string entry = Assert.Single(session.ArchiveListing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^d\S+ root/root .* \./$", entry);
    }

    [Fact]
    public void Build_WithoutAToolAPluginNeeds_StopsBeforeItStarts_NamingThePackage()
    {
        Installed();
        ProcessRun.Result build = session.MissingToolBuild!;
        Assert.True(build.ExitCode == 2, build.ToString());
        Assert.Contains("org.osbuild.debootstrap", build.Stderr, StringComparison.Ordinal);
        Assert.Contains("runs debootstrap, which is not installed", build.Stderr, StringComparison.Ordinal);
        Assert.Contains("apt-get install debootstrap", build.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("org.osbuild.debootstrap: ", build.Stdout, StringComparison.Ordinal);
        Assert.True(session.DescribeDebootstrap!.ExitCode == 0, session.DescribeDebootstrap.ToString());
        Assert.Matches(@"(?m)^\s+debootstrap\s+debootstrap\s+always$", session.DescribeDebootstrap.Stdout);
    }

    [Fact]
    public void New_FindsTheInstalledTemplates_AndMakesAPluginThatIsFound()
    {
        Installed();
        Assert.True(session.NewPlugin!.ExitCode == 0, session.NewPlugin.ToString());
        Assert.Contains("org.example.hello (stage)", session.NewPlugin.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ManPage_Renders_WithEveryCommand()
    {
        Installed();
        Assert.True(session.Man!.ExitCode == 0, session.Man.ToString());
        Assert.Equal("", session.Man.Stderr);
        Assert.StartsWith("OSBUILD(1)", session.Man.Stdout.TrimStart(), StringComparison.Ordinal);
        foreach (string text in new[] { "osbuild plugins describe", "osbuild tree-diff", "osbuild new", "--inspect", "EXIT STATUS" })
        {
            Assert.Contains(text, session.Man.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Completion_ListsSubcommands_PluginNames_AndOptions()
    {
        Installed();
        Assert.True(session.Completion!.ExitCode == 0, session.Completion.ToString());
        string[] parts = session.Completion.Stdout.Split("--\n");
        Assert.Contains("complete -o filenames -F _osbuild osbuild", parts[0], StringComparison.Ordinal);
        Assert.Superset(new HashSet<string> { "new", "plugins", "tree-diff" }, Lines(parts[0]).ToHashSet());
        Assert.Equal(["org.osbuild.tar"], Lines(parts[1]));
        Assert.Equal(["--help", "--json", "--libdir", "--plugin-path"], Lines(parts[2]));
    }

    [Fact]
    public void Purge_LeavesNoFileBehind()
    {
        Installed();
        Assert.True(session.Purge!.ExitCode == 0, session.Purge.ToString());
        Assert.Contains("/usr/bin/osbuild", session.InstalledPaths);
        Assert.Contains("/usr/lib/osbuild/stages/org.osbuild.noop", session.InstalledPaths);
        Assert.Empty(session.LeftAfterPurge);
        Assert.True(session.NamedAfterPurge!.ExitCode == 0, session.NamedAfterPurge.ToString());
        Assert.Equal("", session.NamedAfterPurge.Stdout);
    }

    [Fact]
    public void ServicePackage_NamesItsRuntime_CreatesItsUser_AndEnablesNothing()
    {
        Installed();
        Assert.True(session.ServicePackageBuild!.ExitCode == 0, session.ServicePackageBuild.ToString());
        Assert.StartsWith("aspnetcore-runtime-10.0, osbuild-engine (= ", session.ServiceDepends, StringComparison.Ordinal);
        Assert.True(session.ServiceInstall!.ExitCode == 0, session.ServiceInstall.ToString());
        Assert.Equal(
            [
                "osbuild-service:/var/lib/osbuild-service:/usr/sbin/nologin",
                "osbuild-service:osbuild-service 750 /var/lib/osbuild-service",
                "root:root 700 /var/cache/osbuild-service",
                "conffile /etc/osbuild-service/osbuild-service.conf",
                "no unit enabled",
            ],
            session.ServiceState!.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/lib/systemd/system/osbuild-service-api.service", session.ServiceInstalledPaths);
        Assert.Contains("/lib/systemd/system/osbuild-service-worker@.service", session.ServiceInstalledPaths);
        Assert.Contains("/usr/bin/osbuild-service", session.ServiceInstalledPaths);
    }

    [Fact]
    public void ServicePackage_Purge_RemovesItsFiles_AndKeepsTheBuildsData()
    {
        Installed();
        Assert.True(session.ServicePurge!.ExitCode == 0, session.ServicePurge.ToString());
        Assert.Empty(session.ServiceLeftAfterPurge);
        Assert.True(session.ServiceDataKeptAfterPurge, "purge removed /var/lib/osbuild-service, which holds users' builds");
    }

    private void Installed()
    {
        Assert.SkipWhen(session.SkipReason is not null, session.SkipReason ?? "");
        Assert.True(session.PackageBuild!.ExitCode == 0, session.PackageBuild.ToString());
        Assert.True(session.Install!.ExitCode == 0, session.Install.ToString());
    }

    private static string[] Lines(string text)
        => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("complete ", StringComparison.Ordinal))];
}
