namespace Engine.Integration.Tests.Stages;

/// <summary>
/// Stages that run system tools on a Debian 12 tree: systemd, firewall (1.5),
/// selinux (1.17), script (1.16).
/// </summary>
public sealed class SystemStagesTests
{
    [Fact]
    public async Task Systemd_EnableDisableDefault_InThatOrder()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();
        string wants = tree.Combine("etc/systemd/system/multi-user.target.wants");
        Assert.True(File.Exists(Path.Join(wants, "chrony.service")), "the base tree enables chrony");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.systemd", tree.Path,
            """{"enabled_services": ["systemd-networkd.service"], "disabled_services": ["chrony.service"], "default_target": "multi-user.target"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Join(wants, "systemd-networkd.service")));
        Assert.False(File.Exists(Path.Join(wants, "chrony.service")));
        Assert.EndsWith("/systemd/system/multi-user.target", new FileInfo(tree.Combine("etc/systemd/system/default.target")).LinkTarget);
        string[] commands = result.Stdout.Split('\n').Where(line => line.Contains("systemctl", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, commands.Length);
        Assert.EndsWith("enable systemd-networkd.service", commands[0]);
        Assert.EndsWith("disable chrony.service", commands[1]);
        Assert.EndsWith("set-default multi-user.target", commands[2]);
    }

    [Fact]
    public async Task Systemd_UnknownUnit_Fails()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.systemd", tree.Path, """{"enabled_services": ["no-such-unit.service"]}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed with exit status", result.Stderr);
    }

    [Fact]
    public async Task Firewall_FixtureOptions_WritesPublicZone()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.firewall", tree.Path,
            """{"ports": ["53:tcp", "88:udp"], "enabled_services": ["http", "ftp"], "disabled_services": ["telnet"]}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"chroot {tree.Path} firewall-offline-cmd --port=53:tcp --port=88:udp --service=http --service=ftp --remove-service=telnet", result.Stdout);
        string zone = tree.Read("etc/firewalld/zones/public.xml");
        Assert.Contains("<service name=\"http\"/>", zone);
        Assert.Contains("<service name=\"ftp\"/>", zone);
        Assert.Contains("<port port=\"53\" protocol=\"tcp\"/>", zone);
        Assert.Contains("<port port=\"88\" protocol=\"udp\"/>", zone);
    }

    [Fact]
    public async Task Firewall_UnknownService_Fails()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.firewall", tree.Path, """{"enabled_services": ["no-such-service"]}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("firewall-offline-cmd --service=no-such-service` failed", result.Stderr);
    }

    [Fact]
    public async Task Firewall_TreeWithoutFirewalld_FailsNamingPackage()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.firewall", tree.Path, "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("firewall-offline-cmd not found in the tree", result.Stderr);
        Assert.Contains("install the firewalld package", result.Stderr);
    }

    [Fact]
    public async Task Selinux_DebianPolicy_LabelsFiles()
    {
        // A small tree with the policy's file_contexts: labelling the whole base tree takes half a minute.
        Requirements.Root();
        Requirements.Program("setfiles", "policycoreutils");
        string source = await BookwormTree.CachedPathAsync();
        using var tree = new ScratchTree();
        await ProcessRunner.CheckedAsync("bash", "-c", "cd \"$1\" && cp -a --parents etc/selinux etc/passwd usr/bin/bash \"$2\"", "bash", source, tree.Path);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.selinux", tree.Path, """{"file_contexts": "etc/selinux/default/contexts/files/file_contexts"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("system_u:object_r:etc_t:s0", FileStatus.GetXattr(tree.Combine("etc/passwd"), "security.selinux"));
        Assert.Equal("system_u:object_r:shell_exec_t:s0", FileStatus.GetXattr(tree.Combine("usr/bin/bash"), "security.selinux"));
    }

    [Fact]
    public async Task Selinux_MissingFileContexts_FailsNamingPolicyPackage()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.selinux", tree.Path, """{"file_contexts": "etc/selinux/targeted/contexts/files/file_contexts"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("selinux-policy-default on Debian", result.Stderr);
    }

    [Fact]
    public async Task Script_ExitStatus_PassedOnAndFileRemoved()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.script", tree.Path,
            """{"script": "#!/bin/sh\necho \"in $(pwd) as $(id -u)\"\ntouch /made-by-script\nexit 7\n"}""");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("in / as 0", result.Stdout);
        Assert.True(File.Exists(tree.Combine("made-by-script")));
        Assert.False(File.Exists(tree.Combine("osbuild-script")));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Script_Success_ExitsZeroAndFileRemoved()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.script", tree.Path, """{"script": "#!/bin/sh\nls -l /osbuild-script\n"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("-r-xr-x---", result.Stdout);
        Assert.False(File.Exists(tree.Combine("osbuild-script")));
    }
}
