namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.debug-shell.</summary>
public sealed class DebugShellStageTests
{
    private const string Unit = """

        [Unit]
        Description=Early root shell on /dev/ttyS0 FOR DEBUGGING ONLY
        DefaultDependencies=no
        IgnoreOnIsolate=yes
        ConditionPathExists=/dev/ttyS0

        [Service]
        Environment=TERM=linux
        ExecStart=/bin/sh
        Restart=always
        RestartSec=0
        StandardInput=tty
        TTYPath=/dev/ttyS0
        TTYReset=yes
        TTYVHangup=yes
        KillMode=process
        IgnoreSIGPIPE=no
        # bash ignores SIGTERM
        KillSignal=SIGHUP

        # Unset locale for the console getty since the console has problems
        # displaying some internationalized messages.
        UnsetEnvironment=LANG LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION

        """;

    [Fact]
    public async Task DebugShell_Tty_WritesUnitAndWantsLink()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system/sysinit.target.wants"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.debug-shell", tree.Path, """{"tty": "/dev/ttyS0"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Unit, tree.Read("etc/systemd/system/osbuild-debug-shell.service"));
        Assert.Equal("../osbuild-debug-shell.service", new FileInfo(tree.Combine("etc/systemd/system/sysinit.target.wants/osbuild-debug-shell.service")).LinkTarget);
    }

    [Fact]
    public async Task DebugShell_NoSystemdFolder_FailsWritingNothing()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.debug-shell", tree.Path, """{"tty": "/dev/ttyS0"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("etc/systemd/system does not exist", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tree.Combine("etc")));
    }

    [Fact]
    public async Task DebugShell_NoWantsFolder_FailsAfterWritingUnit()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.debug-shell", tree.Path, """{"tty": "/dev/ttyS0"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("sysinit.target.wants does not exist", result.Stderr);
        Assert.True(File.Exists(tree.Combine("etc/systemd/system/osbuild-debug-shell.service")));
    }

    [Fact]
    public async Task DebugShell_RunTwice_SecondFailsOnExistingLink()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("etc/systemd/system/sysinit.target.wants"));

        await BuiltinPlugin.RunStageAsync("org.osbuild.debug-shell", tree.Path, """{"tty": "/dev/ttyS0"}""");
        PluginResult again = await BuiltinPlugin.RunStageAsync("org.osbuild.debug-shell", tree.Path, """{"tty": "/dev/ttyS0"}""");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("exists already", again.Stderr);
    }
}
