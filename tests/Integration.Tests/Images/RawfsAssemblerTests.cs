using System.Text.Json.Nodes;
using static Engine.Integration.Tests.Images.DiskInspector;

namespace Engine.Integration.Tests.Images;

/// <summary>org.osbuild.rawfs as the published binary: a bare ext4 image read back with blkid and debugfs.</summary>
public sealed class RawfsAssemblerTests
{
    private const string Uuid = "76a22bf4-f153-4541-b6c7-0332c0dfaeac";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rawfs_Ext4WithTruncateSize_FileSystemOfThatSizeWithTheTree()
    {
        using var scratch = new ImageScratch("h3-rawfs-");
        SampleTree.Create(scratch.Tree);

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.rawfs", scratch.Tree, scratch.Output,
            new JsonObject { ["filename"] = "root.ext4", ["root_fs_uuid"] = Uuid, ["size"] = "48M" }, Token)).AssertSuccess();

        string image = Path.Combine(scratch.Output, "root.ext4");
        Assert.Equal(48L * 1024 * 1024, new FileInfo(image).Length);
        var probe = Probe(image, 0);
        Assert.Equal(("ext4", Uuid), (probe["TYPE"], probe["UUID"]));
        Assert.Equal(SampleTree.Motd, Debugfs(image, 0, "cat /etc/motd"));
        Ext4Inode home = Stat(image, 0, "/home/tester");
        Assert.Equal(("0750", 1000, 1001), (home.Mode, home.Uid, home.Gid));
        Assert.Equal("0711", Stat(image, 0, "/").Mode);
        Assert.Contains("user.osbuild-root (8) = \"root dir\"", Debugfs(image, 0, "ea_list /"), StringComparison.Ordinal);
        Assert.Contains("user.osbuild-file (6) = \"a file\"", Debugfs(image, 0, "ea_list /etc/motd"), StringComparison.Ordinal);
        Assert.Equal(["output", "tree"], Directory.GetFileSystemEntries(scratch.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Rawfs_IntegerSize_Exact()
    {
        using var scratch = new ImageScratch("h3-rawfs-");
        SampleTree.Create(scratch.Tree);

        (await BuiltinRunner.RunAssemblerAsync("org.osbuild.rawfs", scratch.Tree, scratch.Output,
            new JsonObject { ["filename"] = "root.img", ["root_fs_uuid"] = Uuid, ["size"] = 40 * 1024 * 1024 }, Token)).AssertSuccess();

        Assert.Equal(40L * 1024 * 1024, new FileInfo(Path.Combine(scratch.Output, "root.img")).Length);
    }

    [Fact]
    public async Task Rawfs_TreeLargerThanSize_FailsWithMkfsMessage()
    {
        using var scratch = new ImageScratch("h3-rawfs-");
        SampleTree.Create(scratch.Tree);
        // Random, so that mke2fs cannot store it sparsely.
        await File.WriteAllBytesAsync(Path.Combine(scratch.Tree, "big"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(12 * 1024 * 1024), Token);

        PluginRun run = await BuiltinRunner.RunAssemblerAsync("org.osbuild.rawfs", scratch.Tree, scratch.Output,
            new JsonObject { ["filename"] = "root.img", ["root_fs_uuid"] = Uuid, ["size"] = 8 * 1024 * 1024 }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("mkfs.ext4", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Output));
    }

    [Fact]
    public void Rawfs_XfsThroughHost_FilledFromTree()
    {
        // xfs needs a loop device and a mount, so it runs through the host (fd-3 loop.attach).
        Assert.SkipUnless(global::Engine.Integration.Tests.Engine.Osbuild.IsRoot, "building needs root");
        using var scratch = new global::Engine.Integration.Tests.Engine.TempStore();
        string manifest = scratch.File("rawfs.json", """
            {"stages": [{"name": "org.test.populate"}],
             "assembler": {"name": "org.osbuild.rawfs", "options": {"filename": "root.img", "root_fs_uuid": "76a22bf4-f153-4541-b6c7-0332c0dfaeac",
               "size": 536870912, "fs_type": "xfs"}}}
            """);

        var run = global::Engine.Integration.Tests.Engine.Osbuild.Run(["--store", scratch.Store, "--plugin-path",
            Path.Combine(global::Engine.Integration.Tests.Engine.Osbuild.Fixtures, "plugins"), "--json", manifest]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string image = Path.Combine(scratch.Store, "refs", ((global::Engine.Host.Json.JValue.String)run.Json["output_id"]!).Value, "root.img");
        using var blkid = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("blkid", ["-p", "-o", "export", image]) { RedirectStandardOutput = true })!;
        string probe = blkid.StandardOutput.ReadToEnd();
        blkid.WaitForExit();
        Assert.Contains("TYPE=xfs", probe, StringComparison.Ordinal);
        Assert.Contains("UUID=76a22bf4-f153-4541-b6c7-0332c0dfaeac", probe, StringComparison.Ordinal);
        Assert.Empty(global::Engine.Integration.Tests.Reliability.SystemState.LoopDevicesBackedBelow(scratch.Root));
        Assert.Empty(scratch.Leftovers);
    }
}
