using System.Security.Cryptography;

namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.kernel-cmdline and org.osbuild.zipl (1.23): exact file contents.</summary>
public sealed class SmallFileStagesTests
{
    [Fact]
    public async Task KernelCmdline_FixtureOptions_HashAsOsbuild()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.kernel-cmdline", tree.Path,
            """{"root_fs_uuid": "76a22bf4-f153-4541-b6c7-0332c0dfaeac", "kernel_opts": "net.ifnames=0 crashkernel=auto"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("root=UUID=76a22bf4-f153-4541-b6c7-0332c0dfaeac net.ifnames=0 crashkernel=auto", tree.Read("etc/kernel/cmdline"));
        Assert.Equal("f8636596eb6b9046fa1578df931790da5a8f6a8630749e3616c2d9adf45f9633", Sha256(tree.Combine("etc/kernel/cmdline")));
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("""{"kernel_opts": "quiet"}""", "quiet")]
    [InlineData("""{"root_fs_uuid": "6699-AFB5", "kernel_opts": ""}""", "root=UUID=6699-AFB5")]
    public async Task KernelCmdline_Options_NonEmptyItemsWithoutNewline(string options, string expected)
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.kernel-cmdline", tree.Path, options);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, tree.Read("etc/kernel/cmdline"));
    }

    [Theory]
    [InlineData("{}", "516d31e6606c4bc28dfe9f6e3cf6c438f8be22781b7132f6a4b2ea0b3735ab42")]
    [InlineData("""{"timeout": 0}""", "516d31e6606c4bc28dfe9f6e3cf6c438f8be22781b7132f6a4b2ea0b3735ab42")]
    [InlineData("""{"timeout": 1}""", "156c06c8cac3adedea18063ea5a391851f5bc603695cf0cb8c982d3ad857ad6d")]
    public async Task Zipl_Timeout_HashAsOsbuild(string options, string sha256)
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.zipl", tree.Path, options);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(sha256, Sha256(tree.Combine("etc/zipl.conf")));
    }

    [Fact]
    public async Task Zipl_FloatTimeout_PrintedAsPython()
    {
        using var tree = new ScratchTree();

        await BuiltinPlugin.RunStageAsync("org.osbuild.zipl", tree.Path, """{"timeout": 2.5}""");

        Assert.Equal("[defaultboot]\ndefaultauto\nprompt=1\ntimeout=2.5\ntarget=/boot\n", tree.Read("etc/zipl.conf"));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
