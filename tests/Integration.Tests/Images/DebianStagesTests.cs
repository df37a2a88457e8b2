using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// The refusals of org.osbuild.debootstrap and org.osbuild.apt, which need no network. Their real
/// work (a bookworm tree, a kernel install) takes minutes and the archive; it is exercised by
/// building samples/debian-bookworm-qcow2.json.
/// </summary>
public sealed class DebianStagesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Debootstrap_TreeNotEmpty_FailsBeforeDownloading()
    {
        using var scratch = new ImageScratch("h3-deb-");
        File.WriteAllText(Path.Combine(scratch.Tree, "leftover"), "x");

        PluginRun run = await BuiltinRunner.RunStageAsync("org.osbuild.debootstrap", scratch.Tree,
            new JsonObject { ["suite"] = "bookworm", ["mirror"] = "file:///nonexistent" }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the tree is not empty (it holds 'leftover')", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debootstrap_NoMirrorAndNoHostSources_FailsAskingForMirror()
    {
        Assert.SkipWhen(Directory.Exists("/run/osbuild/host-apt"), "this machine has /run/osbuild/host-apt, so a mirror would be found");
        using var scratch = new ImageScratch("h3-deb-");

        PluginRun run = await BuiltinRunner.RunStageAsync("org.osbuild.debootstrap", scratch.Tree, new JsonObject { ["suite"] = "bookworm" }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no mirror given and none found", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("set the option 'mirror'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apt_TreeWithoutApt_FailsNamingDebootstrap()
    {
        using var scratch = new ImageScratch("h3-deb-");

        PluginRun run = await BuiltinRunner.RunStageAsync("org.osbuild.apt", scratch.Tree, new JsonObject { ["packages"] = new JsonArray("vim") }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the tree has no /usr/bin/apt-get", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debootstrap_HostAptSources_FirstEnabledArchiveServingSuiteIsMirror()
    {
        // Given host apt sources (one-line and deb822; a disabled entry, a source-only entry and
        // an archive for another suite come first) placed at /run/osbuild/host-apt in a private
        // mount namespace, as the host will mount its own there
        using var scratch = new ImageScratch("h3-deb-");
        string sources = scratch.Combine("host-apt");
        Directory.CreateDirectory(Path.Combine(sources, "sources.list.d"));
        File.WriteAllText(Path.Combine(sources, "sources.list"), "# comment\ndeb-src http://src.invalid/debian bookworm main\ndeb [arch=amd64] http://other.invalid/debian trixie main\n");
        File.WriteAllText(Path.Combine(sources, "sources.list.d/a.sources"), "Types: deb\nURIs: http://disabled.invalid/debian\nSuites: bookworm\nEnabled: no\n");
        File.WriteAllText(Path.Combine(sources, "sources.list.d/b.sources"),
            "Types: deb\n# snapshot comment\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://security.invalid/debian-security\nSuites: bookworm-security\n");
        File.WriteAllText(Path.Combine(sources, "sources.list.d/c.list.disabled"), "deb http://ignored.invalid/debian bookworm main\n");
        string arguments = scratch.Combine("arguments.json");
        File.WriteAllText(arguments, new JsonObject { ["tree"] = scratch.Tree, ["options"] = new JsonObject { ["suite"] = "bookworm" } }.ToJsonString());
        string script =
            "mount -t tmpfs tmpfs /run && mkdir -p /run/osbuild && " +
            $"cp -r '{sources}' /run/osbuild/host-apt && exec '{BuiltinRunner.BinaryPath}' org.osbuild.debootstrap < '{arguments}'";

        // When debootstrap runs without a mirror option (the .invalid archive cannot be reached)
        var startInfo = new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "sh", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(Token);
        string stdout = await process.StandardOutput.ReadToEndAsync(Token);
        await process.WaitForExitAsync(Token);

        // Then the mirror is the first enabled binary archive that lists the suite, and the
        // failure is debootstrap's, reported as a failed command
        Assert.Contains("mirror: http://mirror.invalid/debian (from the build host's /run/osbuild/host-apt/sources.list.d/b.sources; it serves bookworm)", stdout, StringComparison.Ordinal);
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("org.osbuild.debootstrap: `debootstrap --variant=minbase bookworm", await stderr, StringComparison.Ordinal);
    }
}
