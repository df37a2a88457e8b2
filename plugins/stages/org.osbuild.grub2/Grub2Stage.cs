using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Grub2;

/// <summary>
/// org.osbuild.grub2: writes GRUB's configuration and, for BIOS/Open Firmware boot, its modules into
/// the tree (spec 1.9). The boot code itself (core image, MBR) is installed by org.osbuild.qemu.
/// Two styles: <c>bls</c> (the reference: grub.cfg runs <c>blscfg</c> and everything lives in
/// /boot/grub2) and <c>classic</c> for GRUBs without blscfg such as Debian's (an explicit menu entry
/// for the newest kernel, everything in /boot/grub).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Grub2Stage
{
    public const string Name = "org.osbuild.grub2";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage(Name, PluginGuard.Wrap((context, _) =>
    {
        Run(context.Tree, Grub2Options.Parse(context.Options));
        return Task.CompletedTask;
    }));

    internal static void Run(string tree, Grub2Options options)
    {
        string grubDirectory = Path.Combine(tree, "boot", options.GrubDirectoryName);
        string mainConfig = options.Style == Grub2ConfigStyle.Bls
            ? Grub2Texts.BlsMainConfig
            : ClassicConfig(tree, options);

        // 1. /etc/default/grub, for tools run later in the booted system.
        Directory.CreateDirectory(Path.Combine(tree, "etc/default"));
        WriteText(Path.Combine(tree, "etc/default/grub"), options.Style == Grub2ConfigStyle.Bls
            ? Grub2Texts.BlsDefaultGrub
            : Grub2Texts.ClassicDefaultGrub(options));

        // 2./3. grubenv carries the root UUID and kernel options that the BLS config reads. On a
        // hybrid image packages may have made it a symlink into the ESP; the BIOS GRUB cannot
        // follow that, so a real file replaces it.
        Directory.CreateDirectory(grubDirectory);
        if (options.Style == Grub2ConfigStyle.Bls)
        {
            string grubEnv = Path.Combine(grubDirectory, "grubenv");
            if (options.Hybrid && (File.Exists(grubEnv) || new FileInfo(grubEnv).LinkTarget is not null))
            {
                File.Delete(grubEnv);
            }

            WriteText(grubEnv, Grub2Texts.GrubEnv(options));
        }

        // 4. The ESP's config: an alias to the main config on hybrid images, else the main config.
        if (options.UefiVendor is { } vendor)
        {
            string vendorDirectory = Path.Combine(tree, "boot/efi/EFI", vendor);
            if (!Directory.Exists(vendorDirectory))
            {
                throw new PluginFailedException(
                    $"/boot/efi/EFI/{vendor} does not exist in the tree; install the distribution's EFI GRUB package (e.g. grub2-efi) first or check uefi.vendor");
            }

            if (options.Hybrid)
            {
                Console.WriteLine("hybrid boot support enabled. Writing alias grub config");
                WriteText(Path.Combine(vendorDirectory, "grub.cfg"), Grub2Texts.AliasConfig(options));
            }
            else
            {
                WriteText(Path.Combine(vendorDirectory, "grub.cfg"), mainConfig);
            }
        }

        // 5. BIOS/Open Firmware: main config, the platform's modules (the core image that
        // org.osbuild.qemu embeds loads them from here) and the font.
        if (options.LegacyPlatform is { } platform)
        {
            WriteText(Path.Combine(grubDirectory, "grub.cfg"), mainConfig);
            CopyModules(platform, Path.Combine(grubDirectory, platform));
            string fonts = Path.Combine(grubDirectory, "fonts");
            Directory.CreateDirectory(fonts);
            CopyPreserving("/usr/share/grub/unicode.pf2", Path.Combine(fonts, "unicode.pf2"));
        }
    }

    private static string ClassicConfig(string tree, Grub2Options options)
    {
        BootKernel kernel = BootKernel.FindNewest(tree)
            ?? throw new PluginFailedException(
                "config \"classic\" writes a menu entry for the newest /boot/vmlinuz-*, and the tree has none; install a kernel (e.g. linux-image-amd64) before this stage");
        if (kernel.Initrd is null)
        {
            Console.WriteLine($"warning: no initrd.img-{kernel.Version} in /boot; the menu entry boots the kernel without an initrd");
        }

        Console.WriteLine($"menu entry for {kernel.Image}" + (kernel.Initrd is null ? "" : $" with {kernel.Initrd}"));
        return Grub2Texts.ClassicMainConfig(options, kernel, kernel.Title(tree));
    }

    /// <summary>Copies <c>*.mod</c> and <c>*.lst</c> (not recursive, without <c>fdt.lst</c>) of the build root's GRUB platform.</summary>
    private static void CopyModules(string platform, string target)
    {
        string source = Path.Combine("/usr/lib/grub", platform);
        if (!Directory.Exists(source))
        {
            throw new PluginFailedException(
                $"the build root has no {source}; install the GRUB modules for {platform} there (Debian: grub-pc-bin; Fedora: grub2-pc-modules)");
        }

        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            string name = Path.GetFileName(file);
            if ((name.EndsWith(".mod", StringComparison.Ordinal) || name.EndsWith(".lst", StringComparison.Ordinal)) && name != "fdt.lst")
            {
                CopyPreserving(file, Path.Combine(target, name));
            }
        }
    }

    /// <summary>Copies a file with its mode and times (Python's shutil.copy2 without xattrs).</summary>
    private static void CopyPreserving(string source, string target)
    {
        if (!File.Exists(source))
        {
            throw new PluginFailedException($"{source} is missing in the build root; it comes with the GRUB packages (Debian: grub-common)");
        }

        File.Copy(source, target, overwrite: true);
        File.SetUnixFileMode(target, File.GetUnixFileMode(source));
        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
        File.SetLastAccessTimeUtc(target, File.GetLastAccessTimeUtc(source));
    }

    /// <summary>Replaces the content; an existing file keeps its inode, mode and owner (spec section 0).</summary>
    private static void WriteText(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        writer.Write(text);
    }
}
