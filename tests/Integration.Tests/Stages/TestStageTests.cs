namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.test, the boot-test service.</summary>
public sealed class TestStageTests
{
    [Fact]
    public async Task Test_Script_WritesUnitAndMultiUserLink()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system/multi-user.target.wants"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.test", tree.Path, """{"script": "/usr/libexec/boot-test.sh"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            "\n[Unit]\nDescription=Boot Test\nWants=dev-vport0p1.device\nAfter=dev-vport0p1.device\n\n[Service]\nStandardOutput=file:/dev/vport0p1\nExecStart=/usr/libexec/boot-test.sh\nExecStopPost=/usr/bin/systemctl poweroff\n",
            tree.Read("etc/systemd/system/osbuild-test.service"));
        Assert.Equal("../osbuild-test.service", new FileInfo(tree.Combine("etc/systemd/system/multi-user.target.wants/osbuild-test.service")).LinkTarget);
    }

    [Fact]
    public async Task Test_NoWantsFolder_Fails()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.test", tree.Path, """{"script": "/x"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("multi-user.target.wants does not exist", result.Stderr);
    }

    [Fact]
    public async Task Test_NoScript_FailsNamingOption()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system/multi-user.target.wants"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.test", tree.Path, "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("org.osbuild.test: option 'script' is required\n", result.Stderr);
    }
}
