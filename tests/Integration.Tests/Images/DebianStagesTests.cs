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
}
