using System.Text;

namespace Engine.Plugins.Stages.Grub2;

/// <summary>The files the stage writes, as text (spec 1.9; the classic ones are ours).</summary>
internal static class Grub2Texts
{
    public const string BlsDefaultGrub = "GRUB_TIMEOUT=0\nGRUB_ENABLE_BLSCFG=true\n";

    /// <summary>The main BLS config; <c>${…}</c> are GRUB variables, written literally.</summary>
    public const string BlsMainConfig =
        "set timeout=0\n" +
        "load_env\n" +
        "search --no-floppy --fs-uuid --set=root ${GRUB2_ROOT_FS_UUID}\n" +
        "set boot=${root}\n" +
        "function load_video {\n" +
        "  insmod all_video\n" +
        "}\n" +
        "blscfg\n";

    /// <summary>grubenv, unpadded, with the space after the UUID even for empty kernel_opts (spec 1.9 step 3).</summary>
    public static string GrubEnv(Grub2Options options)
        => $"# GRUB Environment Block\nGRUB2_ROOT_FS_UUID={options.GrubFsUuid}\nkernelopts=root=UUID={options.RootFsUuid} {options.KernelOpts}\n";

    /// <summary>The ESP's grub.cfg of a hybrid image: find the real config and load it.</summary>
    public static string AliasConfig(Grub2Options options)
    {
        string root = options.SeparateBoot ? "/" : "/boot/";
        string directory = options.GrubDirectoryName;
        return $"search --no-floppy --set prefix --file {root}{directory}/grub.cfg\nset prefix=($prefix){root}{directory}\nconfigfile $prefix/grub.cfg\n";
    }

    /// <summary>
    /// /etc/default/grub for the classic style: the same timeout and kernel arguments, in the
    /// variables Debian's grub-mkconfig reads, so a later update-grub in the booted system keeps them.
    /// </summary>
    public static string ClassicDefaultGrub(Grub2Options options)
        => $"GRUB_TIMEOUT=0\nGRUB_CMDLINE_LINUX=\"{EscapeForShellDoubleQuotes(options.KernelOpts)}\"\n";

    /// <summary>
    /// A classic grub.cfg: one menu entry that boots <paramref name="kernel"/> with
    /// <c>root=UUID=&lt;root_fs_uuid&gt; &lt;kernel_opts&gt;</c>. Kernel paths are relative to the
    /// file system GRUB searches for: <c>/boot/…</c> on the root, <c>/…</c> on a separate /boot.
    /// </summary>
    public static string ClassicMainConfig(Grub2Options options, BootKernel kernel, string title)
    {
        string prefix = options.SeparateBoot ? "" : "/boot";
        string arguments = $"root=UUID={options.RootFsUuid}" + (options.KernelOpts.Length > 0 ? " " + options.KernelOpts : "");
        var text = new StringBuilder()
            .Append("set timeout=0\n")
            .Append("search --no-floppy --fs-uuid --set=root ").Append(options.GrubFsUuid).Append('\n')
            .Append("menuentry ").Append(QuoteForGrub(title)).Append(" {\n")
            .Append("  linux ").Append(prefix).Append('/').Append(kernel.Image).Append(' ').Append(arguments).Append('\n');
        if (kernel.Initrd is not null)
        {
            text.Append("  initrd ").Append(prefix).Append('/').Append(kernel.Initrd).Append('\n');
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>GRUB's single quotes take everything literally; a quote itself is written <c>'\''</c>.</summary>
    private static string QuoteForGrub(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string EscapeForShellDoubleQuotes(string text)
    {
        var escaped = new StringBuilder();
        foreach (char c in text)
        {
            if (c is '"' or '\\' or '$' or '`')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
