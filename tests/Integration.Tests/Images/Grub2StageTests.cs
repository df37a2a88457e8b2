using System.Text.Json.Nodes;

namespace Engine.Integration.Tests.Images;

/// <summary>org.osbuild.grub2 as the published binary: spec 1.9's files byte for byte, and the classic style.</summary>
public sealed class Grub2StageTests
{
    private const string RootUuid = "76a22bf4-f153-4541-b6c7-0332c0dfaeac";
    private const string BootUuid = "08a41983-3328-4d1a-ae3c-1699e6d2a806";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Read(ImageScratch scratch, string path) => File.ReadAllText(Path.Combine(scratch.Tree, path));

    [Fact]
    public async Task Grub2_BlsLegacy_ReferenceFilesAndModules()
    {
        using var scratch = new ImageScratch("h3-grub-");

        (await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree,
            new JsonObject { ["root_fs_uuid"] = RootUuid, ["kernel_opts"] = "ro biosdevname=0 net.ifnames=0" }, Token)).AssertSuccess();

        Assert.Equal("GRUB_TIMEOUT=0\nGRUB_ENABLE_BLSCFG=true\n", Read(scratch, "etc/default/grub"));
        Assert.Equal($"# GRUB Environment Block\nGRUB2_ROOT_FS_UUID={RootUuid}\nkernelopts=root=UUID={RootUuid} ro biosdevname=0 net.ifnames=0\n", Read(scratch, "boot/grub2/grubenv"));
        Assert.Equal(
            "set timeout=0\nload_env\nsearch --no-floppy --fs-uuid --set=root ${GRUB2_ROOT_FS_UUID}\nset boot=${root}\nfunction load_video {\n  insmod all_video\n}\nblscfg\n",
            Read(scratch, "boot/grub2/grub.cfg"));
        string[] expected = [.. Directory.GetFiles("/usr/lib/grub/i386-pc")
            .Select(Path.GetFileName)
            .Where(n => (n!.EndsWith(".mod", StringComparison.Ordinal) || n.EndsWith(".lst", StringComparison.Ordinal)) && n != "fdt.lst")
            .Order(StringComparer.Ordinal)!];
        Assert.Equal(expected, Directory.GetFiles(Path.Combine(scratch.Tree, "boot/grub2/i386-pc")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(scratch.Tree, "boot/grub2/fonts/unicode.pf2")));
        Assert.False(Directory.Exists(Path.Combine(scratch.Tree, "boot/grub")));
    }

    [Fact]
    public async Task Grub2_HybridSeparateBoot_AliasConfigInEsp()
    {
        using var scratch = new ImageScratch("h3-grub-");
        Directory.CreateDirectory(Path.Combine(scratch.Tree, "boot/efi/EFI/fedora"));

        PluginRun run = (await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree, new JsonObject
        {
            ["root_fs_uuid"] = RootUuid, ["boot_fs_uuid"] = BootUuid, ["uefi"] = new JsonObject { ["vendor"] = "fedora" }, ["legacy"] = "i386-pc",
        }, Token)).AssertSuccess();

        Assert.Contains("hybrid boot support enabled. Writing alias grub config", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("search --no-floppy --set prefix --file /grub2/grub.cfg\nset prefix=($prefix)/grub2\nconfigfile $prefix/grub.cfg\n", Read(scratch, "boot/efi/EFI/fedora/grub.cfg"));
        Assert.Equal($"# GRUB Environment Block\nGRUB2_ROOT_FS_UUID={BootUuid}\nkernelopts=root=UUID={RootUuid} \n", Read(scratch, "boot/grub2/grubenv"));
    }

    [Fact]
    public async Task Grub2_UefiVendorDirectoryMissing_Fails()
    {
        using var scratch = new ImageScratch("h3-grub-");

        PluginRun run = await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree,
            new JsonObject { ["root_fs_uuid"] = RootUuid, ["uefi"] = new JsonObject { ["vendor"] = "fedora" }, ["legacy"] = false }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/boot/efi/EFI/fedora does not exist", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grub2_Classic_MenuEntryForNewestKernelInBootGrub()
    {
        // Given a Debian-like tree with two kernels (6.10 is newer than 6.9) and initrds
        using var scratch = new ImageScratch("h3-grub-");
        string boot = Path.Combine(scratch.Tree, "boot");
        Directory.CreateDirectory(boot);
        Directory.CreateDirectory(Path.Combine(scratch.Tree, "etc"));
        foreach (string version in new[] { "6.9.0-1-amd64", "6.10.0-2-amd64" })
        {
            File.WriteAllText(Path.Combine(boot, $"vmlinuz-{version}"), "k");
            File.WriteAllText(Path.Combine(boot, $"initrd.img-{version}"), "i");
        }

        File.WriteAllText(Path.Combine(scratch.Tree, "etc/os-release"), "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");

        // When the classic style is asked for
        (await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree,
            new JsonObject { ["root_fs_uuid"] = RootUuid, ["kernel_opts"] = "ro console=ttyS0,115200", ["config"] = "classic" }, Token)).AssertSuccess();

        // Then /boot/grub has an explicit entry for 6.10, the modules, and no BLS files
        Assert.Equal(
            $"set timeout=0\nsearch --no-floppy --fs-uuid --set=root {RootUuid}\n" +
            "menuentry 'Debian GNU/Linux 12 (bookworm), with Linux 6.10.0-2-amd64' {\n" +
            $"  linux /boot/vmlinuz-6.10.0-2-amd64 root=UUID={RootUuid} ro console=ttyS0,115200\n" +
            "  initrd /boot/initrd.img-6.10.0-2-amd64\n}\n",
            Read(scratch, "boot/grub/grub.cfg"));
        Assert.Equal("GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX=\"ro console=ttyS0,115200\"\n", Read(scratch, "etc/default/grub"));
        Assert.True(File.Exists(Path.Combine(boot, "grub/i386-pc/normal.mod")));
        Assert.True(File.Exists(Path.Combine(boot, "grub/i386-pc/command.lst")));
        Assert.False(File.Exists(Path.Combine(boot, "grub/i386-pc/fdt.lst")));
        Assert.False(Directory.Exists(Path.Combine(boot, "grub2")));
    }

    [Fact]
    public async Task Grub2_ClassicSeparateBoot_PathsRelativeToBootFileSystem()
    {
        using var scratch = new ImageScratch("h3-grub-");
        string boot = Path.Combine(scratch.Tree, "boot");
        Directory.CreateDirectory(boot);
        File.WriteAllText(Path.Combine(boot, "vmlinuz-5.4.0"), "k");

        PluginRun run = (await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree,
            new JsonObject { ["root_fs_uuid"] = RootUuid, ["boot_fs_uuid"] = BootUuid, ["config"] = "classic" }, Token)).AssertSuccess();

        Assert.Equal(
            $"set timeout=0\nsearch --no-floppy --fs-uuid --set=root {BootUuid}\nmenuentry 'Linux, with Linux 5.4.0' {{\n  linux /vmlinuz-5.4.0 root=UUID={RootUuid}\n}}\n",
            Read(scratch, "boot/grub/grub.cfg"));
        Assert.Contains("no initrd.img-5.4.0", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grub2_ClassicWithoutKernel_FailsSayingWhatToInstall()
    {
        using var scratch = new ImageScratch("h3-grub-");

        PluginRun run = await BuiltinRunner.RunStageAsync("org.osbuild.grub2", scratch.Tree,
            new JsonObject { ["root_fs_uuid"] = RootUuid, ["config"] = "classic" }, Token);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the tree has none; install a kernel", run.Stderr, StringComparison.Ordinal);
    }
}
