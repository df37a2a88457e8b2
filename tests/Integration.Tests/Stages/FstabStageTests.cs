namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.fstab.</summary>
public sealed class FstabStageTests
{
    [Fact]
    public async Task Fstab_FixtureOptions_WritesTabSeparatedLine()
    {
        // The options of osbuild's test/stages_tests/fstab/b.json: freq and passno as strings.
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fstab", tree.Path,
            """{"filesystems": [{"uuid": "76a22bf4-f153-4541-b6c7-0332c0dfaeac", "vfs_type": "ext4", "path": "/", "freq": "1", "passno": "1"}]}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("UUID=76a22bf4-f153-4541-b6c7-0332c0dfaeac\t/\text4\tdefaults\t1\t1\n", tree.Read("etc/fstab"));
    }

    [Fact]
    public async Task Fstab_NumbersAndDefaults_PrintedAsPythonDoes()
    {
        using var tree = new ScratchTree();
        string path = tree.Write("etc/fstab", "old contents that are longer than the new ones\n");
        long inode = FileStatus.Inode(path);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fstab", tree.Path,
            """{"filesystems": [{"uuid": "u1", "path": "/", "freq": 1, "passno": 2.0}, {"uuid": "u2", "path": "/boot", "options": "ro,noatime"}]}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("UUID=u1\t/\tnone\tdefaults\t1\t2.0\nUUID=u2\t/boot\tnone\tro,noatime\t0\t0\n", tree.Read("etc/fstab"));
        Assert.Equal(inode, FileStatus.Inode(path));
    }

    [Fact]
    public async Task Fstab_NoEtc_Fails()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fstab", tree.Path, """{"filesystems": [{"uuid": "u", "path": "/"}]}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/etc does not exist", result.Stderr);
    }

    [Fact]
    public async Task Fstab_EntryWithoutPath_FailsNamingIt()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fstab", tree.Path, """{"filesystems": [{"uuid": "u", "path": "/"}, {"uuid": "v"}]}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'filesystems[1].path' is required", result.Stderr);
    }
}
