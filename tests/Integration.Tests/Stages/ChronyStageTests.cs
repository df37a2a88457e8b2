namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.chrony.</summary>
public sealed class ChronyStageTests
{
    private const string Original = "# Use public servers\npool 2.fedora.pool.ntp.org iburst\nserver x\n#server y\ndriftfile /var/lib/chrony/drift\n";
    private const string Expected = "server a iburst\nserver b iburst\n# Use public servers\n#server y\ndriftfile /var/lib/chrony/drift\n";

    [Fact]
    public async Task Chrony_SpecExample_ReplacesServerAndPoolLines()
    {
        using var tree = new ScratchTree();
        string path = tree.Write("etc/chrony.conf", Original);
        long inode = Inode(path);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, """{"timeservers": ["a", "b"]}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Expected, tree.Read("etc/chrony.conf"));
        Assert.Equal(inode, Inode(path));
    }

    [Fact]
    public async Task Chrony_RunTwice_SameFile()
    {
        using var tree = new ScratchTree();
        tree.Write("etc/chrony.conf", Original);

        await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, """{"timeservers": ["a", "b"]}""");
        PluginResult again = await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, """{"timeservers": ["a", "b"]}""");

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(Expected, tree.Read("etc/chrony.conf"));
    }

    [Fact]
    public async Task Chrony_CrLfAndIndentedLines_UniversalNewlinesAndOnlyLineStartsDropped()
    {
        using var tree = new ScratchTree();
        tree.Write("etc/chrony.conf", "pool p\r\n server kept\r\nserverx kept\rpool q");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, """{"timeservers": ["ntp.example.com"]}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("server ntp.example.com iburst\n server kept\nserverx kept", tree.Read("etc/chrony.conf"));
    }

    [Fact]
    public async Task Chrony_NoConfigFile_FailsNamingChrony()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, """{"timeservers": ["a"]}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("etc/chrony.conf does not exist: install the chrony package", result.Stderr);
    }

    [Fact]
    public async Task Chrony_NoTimeservers_Fails()
    {
        using var tree = new ScratchTree();
        tree.Write("etc/chrony.conf", Original);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.chrony", tree.Path, "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("option 'timeservers' is required", result.Stderr);
        Assert.Equal(Original, tree.Read("etc/chrony.conf"));
    }

    private static long Inode(string path) => FileStatus.Inode(path);
}
