namespace Engine.Integration.Tests.Stages;

/// <summary>
/// The systemd-firstboot stages on a Debian 12 tree: hostname, keymap (1.12),
/// locale (1.13), timezone (1.20). Each removes the file firstboot would keep, so running twice
/// gives the same tree.
/// </summary>
public sealed class FirstbootStagesTests
{
    [Fact]
    public async Task Hostname_ExistingFile_ReplacedAndSaysSo()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();
        File.WriteAllText(tree.Combine("etc/hostname"), "build-host\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.hostname", tree.Path, """{"hostname": "testing.hostname.local"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("/etc/hostname already exists. Replacing.\n", result.Stdout);
        Assert.Equal("testing.hostname.local\n", tree.Read("etc/hostname"));
    }

    [Fact]
    public async Task Hostname_RunTwice_SameResult()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        await BuiltinPlugin.RunStageAsync("org.osbuild.hostname", tree.Path, """{"hostname": "a.example"}""");
        PluginResult again = await BuiltinPlugin.RunStageAsync("org.osbuild.hostname", tree.Path, """{"hostname": "a.example"}""");

        Assert.Equal(0, again.ExitCode);
        Assert.Equal("a.example\n", tree.Read("etc/hostname"));
    }

    [Fact]
    public async Task Hostname_Invalid_FailsWithFirstbootStatus()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.hostname", tree.Path, """{"hostname": "bad_name!"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed with exit status 1", result.Stderr);
    }

    [Fact]
    public async Task Keymap_Fixture_WritesVconsoleConf()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult first = await BuiltinPlugin.RunStageAsync("org.osbuild.keymap", tree.Path, """{"keymap": "se-dvorak"}""");
        PluginResult again = await BuiltinPlugin.RunStageAsync("org.osbuild.keymap", tree.Path, """{"keymap": "se-dvorak"}""");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("/etc/vconsole.conf already exists. Replacing.", again.Stdout);
        Assert.Equal("KEYMAP=se-dvorak\n", tree.Read("etc/vconsole.conf"));
    }

    [Fact]
    public async Task Locale_DebianTreeWithoutDefaultLocale_WritesEtcDefaultLocale()
    {
        // On Debian, systemd-firstboot writes /etc/default/locale and keeps an existing one.
        using ScratchTree tree = await BookwormTree.CopyAsync();
        File.Delete(tree.Combine("etc/default/locale"));

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.locale", tree.Path, """{"language": "nn_NO.utf8"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("LANG=nn_NO.utf8\n", tree.Read("etc/default/locale"));
        Assert.False(File.Exists(tree.Combine("etc/locale.conf")));
    }

    [Fact]
    public async Task Locale_ExistingLocaleConf_RemovedWithMessage()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();
        File.WriteAllText(tree.Combine("etc/locale.conf"), "LANG=C\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.locale", tree.Path, """{"language": "en_US.UTF-8"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("/etc/locale.conf already exists. Replacing.\n", result.Stdout);
        Assert.False(File.Exists(tree.Combine("etc/locale.conf")));
    }

    [Fact]
    public async Task Timezone_Fixture_LinksZoneAndRunsTwice()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult first = await BuiltinPlugin.RunStageAsync("org.osbuild.timezone", tree.Path, """{"zone": "Europe/Prague"}""");
        PluginResult again = await BuiltinPlugin.RunStageAsync("org.osbuild.timezone", tree.Path, """{"zone": "Europe/Prague"}""");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("/etc/localtime already exists. Replacing.\n", first.Stdout);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("../usr/share/zoneinfo/Europe/Prague", new FileInfo(tree.Combine("etc/localtime")).LinkTarget);
    }

    [Fact]
    public async Task Timezone_UnknownZone_Fails()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.timezone", tree.Path, """{"zone": "Mars/Olympus_Mons"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("systemd-firstboot", result.Stderr);
    }

    [Theory]
    [InlineData("org.osbuild.hostname", """{"hostname": "x"}""")]
    [InlineData("org.osbuild.keymap", """{"keymap": "us"}""")]
    [InlineData("org.osbuild.locale", """{"language": "C.UTF-8"}""")]
    [InlineData("org.osbuild.timezone", """{"zone": "UTC"}""")]
    public async Task Firstboot_NotInBuildRoot_FailsNamingSystemdPackage(string stage, string options)
    {
        using var tree = new ScratchTree();
        using var emptyBin = new ScratchTree("engine-empty-path-");

        PluginResult result = await BuiltinPlugin.RunStageAsync(stage, tree.Path, options, new Dictionary<string, string?> { ["PATH"] = emptyBin.Path });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("systemd-firstboot not found in the build root", result.Stderr);
        Assert.Contains("install the systemd package", result.Stderr);
    }
}
