using Engine.Protocol;
namespace Engine.Host.Isolation;

/// <summary>
/// Builds the bubblewrap argument list for one plugin run. Each concern has its own method, and
/// every unusual bind says why. Order matters to bwrap: a tmpfs must come before binds below it.
/// </summary>
public sealed class BubblewrapCommand
{
    private readonly List<string> _args = [];
    private readonly List<ContainerMount> _writableMounts = [];

    /// <summary>Read-write mounts (for mapping container paths back to host paths).</summary>
    public IReadOnlyList<ContainerMount> WritableMounts => _writableMounts;

    /// <summary>
    /// Namespaces and lifetime: own pid, ipc and uts namespaces so killing bwrap kills every process
    /// of the stage; a new session so the terminal's Ctrl-C reaches only the host, which then stops
    /// the container itself; the network is shared (package downloads). All capabilities, because
    /// stages run as root and mount, chroot and chown in the tree.
    /// </summary>
    public BubblewrapCommand Isolation()
    {
        _args.AddRange(["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session", "--cap-add", "ALL"]);
        return this;
    }

    /// <summary>The build root's programs, read-only; merged-/usr symlinks are recreated as symlinks.</summary>
    public BubblewrapCommand Programs(BuildRoot root)
    {
        _args.AddRange(["--ro-bind", Path.Combine(root.Path, "usr"), "/usr"]);
        foreach (string entry in BuildRoot.ProgramEntries)
        {
            string hostPath = Path.Combine(root.Path, entry);
            var info = new FileInfo(hostPath);
            if (info.LinkTarget is string target)
            {
                _args.AddRange(["--symlink", target, "/" + entry]);
            }
            else if (Directory.Exists(hostPath))
            {
                _args.AddRange(["--ro-bind", hostPath, "/" + entry]);
            }
        }

        return this;
    }

    /// <summary>
    /// Private, throw-away /etc, /tmp and /run (tmpfs), and /var on the store's disk (assemblers
    /// build images in /var/tmp, which may not fit in memory). The whole build-root /etc is bound
    /// read-only at <see cref="ContainerPaths.BuildRootEtc"/>, and the few /etc entries programs
    /// need are symlinks into it: the same read-only content as a bind of each, without a mount
    /// (two mount calls each in bwrap) for every one of them on every stage.
    /// </summary>
    public BubblewrapCommand PrivateDirectories(BuildRoot root, string hostVarDirectory)
    {
        _args.AddRange(["--tmpfs", "/etc", "--tmpfs", "/tmp", "--tmpfs", "/run"]);
        string etc = Path.Combine(root.Path, "etc");
        foreach (string entry in BuildRoot.EtcEntries)
        {
            string hostPath = Path.Combine(etc, entry);
            var info = new FileInfo(hostPath);
            if (info.LinkTarget is string target)
            {
                _args.AddRange(["--symlink", target, "/etc/" + entry]);
            }
            else if (info.Exists || Directory.Exists(hostPath))
            {
                _args.AddRange(["--symlink", ContainerPaths.BuildRootEtc + "/" + entry, "/etc/" + entry]);
            }
        }

        // Name resolution always follows the machine the engine runs on: the container shares its network.
        foreach (string file in new[] { "/etc/resolv.conf", "/etc/hosts" })
        {
            if (File.Exists(file))
            {
                _args.AddRange(["--ro-bind", file, file]);
            }
        }

        if (Directory.Exists(etc))
        {
            // A symlink target need not exist when bwrap makes the link; this bind comes after them.
            _args.AddRange(["--ro-bind", etc, ContainerPaths.BuildRootEtc]);
        }

        // Where the host's apt sources are, so stages such as debootstrap can default to the mirror
        // this machine is configured with instead of an address written into code or manifests.
        if (Directory.Exists("/etc/apt"))
        {
            _args.AddRange(["--ro-bind", "/etc/apt", ContainerPaths.HostApt]);
        }

        Bind(hostVarDirectory, "/var", readOnly: false);
        _args.AddRange(["--dir", "/var/tmp"]);
        return this;
    }

    /// <summary>/proc of the container's pid namespace, the host's /sys read-only, and a /dev the host manages.</summary>
    public BubblewrapCommand Kernel(string hostDevDirectory)
    {
        _args.AddRange(["--proc", "/proc", "--ro-bind", "/sys", "/sys"]);
        // Not bwrap's own --dev: the host must be able to add loop device nodes while the plugin runs.
        _args.AddRange(["--dev-bind", hostDevDirectory, "/dev"]);
        _writableMounts.Add(new ContainerMount(hostDevDirectory, "/dev", false));
        return this;
    }

    /// <param name="allowDevices">Keep device nodes usable (bwrap's plain binds are nodev): the tree needs
    /// it, because stages such as debootstrap create and use device nodes in it.</param>
    public BubblewrapCommand Bind(string hostPath, string containerPath, bool readOnly, bool allowDevices = false)
    {
        _args.AddRange([readOnly ? "--ro-bind" : allowDevices ? "--dev-bind" : "--bind", hostPath, containerPath]);
        if (!readOnly)
        {
            _writableMounts.Add(new ContainerMount(hostPath, containerPath, false));
        }

        return this;
    }

    /// <summary>A clean environment: nothing of the host's leaks into the stage.</summary>
    public BubblewrapCommand Environment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        _args.Add("--clearenv");
        foreach (var (name, value) in variables)
        {
            _args.AddRange(["--setenv", name, value]);
        }

        _args.AddRange(["--chdir", "/"]);
        return this;
    }

    /// <summary>The argument list, ending with the command to run in the container.</summary>
    public IReadOnlyList<string> Build(string bwrapPath, IEnumerable<string> command)
        => [bwrapPath, .. _args, "--", .. command];
}
