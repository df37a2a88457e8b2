namespace Engine.Plugins.Stages.Debs;

/// <summary>
/// The mmdebstrap command line of the stage: root mode into the tree, the essential set first and
/// then every other package of the local repository (<c>--include</c>), merged /usr as Debian
/// has it since bookworm, no fsync (dpkg's force-unsafe-io plus eatmydata when the build root has
/// it), and one initramfs at the end instead of one per trigger.
/// </summary>
internal sealed class MmdebstrapArguments(string suite, string repository, string tree, InitramfsSettings? initramfs, string scratch)
{
    private const string MergedUsrHooks = "/usr/share/mmdebstrap/hooks/merged-usr";

    /// <summary>
    /// Where mmdebstrap writes the <c>--aptopt</c> and <c>--dpkgopt</c> settings into the tree. They
    /// are the build's (force-unsafe-io, no pty, apt as root), not the image's: the stage removes
    /// them, so the installed system's apt and dpkg run with Debian's defaults.
    /// </summary>
    public static IReadOnlyList<string> SettingsFiles { get; } = ["etc/apt/apt.conf.d/99mmdebstrap", "etc/dpkg/dpkg.cfg.d/99mmdebstrap"];

    public IReadOnlyList<string> Build()
    {
        var arguments = new List<string>
        {
            "--mode=root",
            "--variant=essential",
            "--format=directory",
            "--aptopt=Acquire::Languages \"none\"",
            // apt runs outside the chroot, in the container, which has no /dev/ptmx: without this
            // every build logs "E: Can not write log (Is /dev/pts mounted?)". The pty only feeds
            // /var/log/apt/term.log, which the stage removes anyway (ReproducibleTree).
            "--aptopt=Dpkg::Use-Pty \"false\"",
            // The local repository's files are links into the host's sources cache, which apt's
            // _apt user may not read: apt would say so ("Download is performed unsandboxed as
            // root") and then read them as root all the same.
            "--aptopt=APT::Sandbox::User \"root\"",
            "--dpkgopt=force-unsafe-io",
        };
        if (!Directory.Exists(MergedUsrHooks))
        {
            throw new PluginFailedException($"{MergedUsrHooks} is missing: the build root's mmdebstrap is too old (1.0 or later has it)");
        }

        // Debian since bookworm has /bin, /sbin and /lib as links into /usr; usr-is-merged refuses
        // to install otherwise. debootstrap makes the links itself, mmdebstrap through this hook.
        arguments.Add("--hook-dir=" + MergedUsrHooks);

        string? library = EatMyData.Library();
        if (library is not null)
        {
            // LD_PRELOAD names the build root's library; the chroot's programs need it at the same path.
            arguments.Add($"--setup-hook=mkdir -p \"$1{Path.GetDirectoryName(library)}\" && cp {library} \"$1{library}\"");
        }

        // Hooks run in the order given. The initramfs is built while the library is still in the
        // tree: update-initramfs ends with `sync -f` (syncfs(2): every dirty file of the file
        // system, so the whole freshly written tree, 2-3 s here), which eatmydata makes a no-op;
        // and without the library the dynamic loader complains once for every program it runs.
        arguments.Add("--customize-hook=" + InitramfsHook());
        if (library is not null)
        {
            arguments.Add($"--customize-hook=rm -f \"$1{library}\"");
        }

        string names = string.Join(',', PackageNames());
        arguments.Add("--include=" + names);
        arguments.AddRange([suite, tree, repository]);
        return arguments;
    }

    /// <summary>
    /// Builds the initramfs of every installed kernel once, after all packages (INITRD=No skipped
    /// the per-package ones), with the stage's initramfs-tools settings in conf.d.
    /// </summary>
    private string InitramfsHook()
    {
        string configure = initramfs is null
            ? ""
            : $"mkdir -p \"$1/etc/initramfs-tools/conf.d\" && printf '%s' '{initramfs.ConfText()}' > \"$1/etc/initramfs-tools/conf.d/osbuild\" && "
                + string.Concat(initramfs.IncludeModules.Select(m => $"echo {m} >> \"$1/etc/initramfs-tools/modules\" && "));
        return "if [ -x \"$1/usr/sbin/update-initramfs\" ] && ls \"$1\"/boot/vmlinuz-* >/dev/null 2>&1; then "
            + configure
            + "chroot \"$1\" update-initramfs -c -k all; fi";
    }

    /// <summary>Every package of the local repository, from its Packages index.</summary>
    private IEnumerable<string> PackageNames()
    {
        string index = File.ReadAllText(Path.Combine(scratch, "repo", "Packages"));
        return index.Split('\n')
            .Where(line => line.StartsWith("Package: ", StringComparison.Ordinal))
            .Select(line => line["Package: ".Length..].Trim())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }
}
