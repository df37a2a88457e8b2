using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Scaffolding;

namespace Engine.Integration.Tests.Packaging;

/// <summary>
/// A fresh Debian 12 root (debootstrap minbase: no .NET, no SDK) with osbuild-engine installed the
/// way a user installs it, <c>apt-get install ./osbuild-engine_*.deb</c> (bubblewrap and man-db come
/// from the archive), entered with chroot. The root is a bind mount of itself, so that bubblewrap's
/// pivot_root works inside the chroot, with /proc, /sys and /dev mounted below it.
/// The debootstrap tree is made once and kept as a tarball under /var/tmp/engine-tests, so a later
/// run only unpacks it (seconds) and asks the archive for the few packages the install pulls in.
/// </summary>
internal sealed class InstalledDebianRoot : IDisposable
{
    public const string Mirror = "http://deb.debian.org/debian";

    private static readonly string CacheDirectory = Environment.GetEnvironmentVariable("ENGINE_DEBIAN_ROOT_CACHE") ?? "/var/tmp/engine-tests";

    private static string BaseTarball => Path.Combine(CacheDirectory, "debian12-minbase.tar");

    private readonly List<string> _mounts = [];
    private readonly string _work;

    private InstalledDebianRoot(string work)
    {
        _work = work;
        Root = Path.Combine(work, "root");
    }

    /// <summary>The root on the host.</summary>
    public string Root { get; }

    /// <summary>
    /// Unpacks the base tree, mounts what a chroot needs and installs <paramref name="package"/>
    /// with apt; null with <paramref name="skipReason"/> when the Debian archive cannot be reached.
    /// </summary>
    public static InstalledDebianRoot? Create(string package, out string? skipReason, out ProcessRun.Result install)
    {
        install = new ProcessRun.Result(-1, "", "", TimeSpan.Zero);
        skipReason = EnsureBaseTarball();
        if (skipReason is not null)
        {
            return null;
        }

        var root = new InstalledDebianRoot(Directory.CreateTempSubdirectory("engine-deb-").FullName);
        try
        {
            Directory.CreateDirectory(root.Root);
            Check(ProcessRun.Run("tar", ["-xf", BaseTarball, "-C", root.Root, "--numeric-owner"], TimeSpan.FromMinutes(5)));
            root.Mount(["--bind", root.Root, root.Root], root.Root);
            root.Mount(["-t", "proc", "proc", Path.Combine(root.Root, "proc")], Path.Combine(root.Root, "proc"));
            root.Mount(["--bind", "/sys", Path.Combine(root.Root, "sys")], Path.Combine(root.Root, "sys"));
            root.Mount(["--bind", "/dev", Path.Combine(root.Root, "dev")], Path.Combine(root.Root, "dev"));
            File.Copy("/etc/resolv.conf", Path.Combine(root.Root, "etc", "resolv.conf"), overwrite: true);
            File.Copy(package, Path.Combine(root.Root, "root", Path.GetFileName(package)));

            ProcessRun.Result update = root.Shell("apt-get update -q", TimeSpan.FromMinutes(5));
            if (update.ExitCode != 0 || update.Stderr.Contains("Failed to fetch", StringComparison.Ordinal))
            {
                skipReason = $"apt-get update in the Debian root cannot reach the archive: {update}";
                root.Dispose();
                return null;
            }

            // As a user would, without Recommends (debootstrap, qemu-utils, GRUB: not needed here);
            // man-db to read the manual page.
            install = root.Shell($"cd /root && apt-get install -y -q --no-install-recommends ./{Path.GetFileName(package)} man-db", TimeSpan.FromMinutes(10));
            File.Delete(Path.Combine(root.Root, "root", Path.GetFileName(package)));
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="script"/> with /bin/sh inside the root, as root, with a plain environment.</summary>
    public ProcessRun.Result Shell(string script, TimeSpan? timeout = null)
        => ProcessRun.Run("chroot", [Root, "/bin/sh", "-c", script], timeout ?? TimeSpan.FromMinutes(5), environment =>
        {
            environment.Clear();
            environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
            environment["HOME"] = "/root";
            environment["LANG"] = "C.UTF-8";
            environment["DEBIAN_FRONTEND"] = "noninteractive";
        });

    /// <summary>A path inside the root, seen from the host.</summary>
    public string HostPath(string pathInRoot) => Path.Combine(Root, pathInRoot.TrimStart('/'));

    public void Dispose()
    {
        // Mounts first, innermost first; only then the files, never crossing into another file system.
        for (int i = _mounts.Count - 1; i >= 0; i--)
        {
            if (ProcessRun.Run("umount", [_mounts[i]], TimeSpan.FromMinutes(1)).ExitCode != 0)
            {
                ProcessRun.Run("umount", ["-l", _mounts[i]], TimeSpan.FromMinutes(1));
            }
        }

        _mounts.Clear();
        ProcessRun.Run("rm", ["-rf", "--one-file-system", "--", _work], TimeSpan.FromMinutes(5));
    }

    private void Mount(string[] arguments, string target)
    {
        Check(ProcessRun.Run("mount", arguments, TimeSpan.FromMinutes(1)));
        _mounts.Add(target);
    }

    /// <summary>Makes the cached debootstrap tarball if it is missing; a reason to skip when the archive is unreachable.</summary>
    private static string? EnsureBaseTarball()
    {
        if (File.Exists(BaseTarball))
        {
            return null;
        }

        Directory.CreateDirectory(CacheDirectory);
        string tree = Directory.CreateTempSubdirectory("engine-debootstrap-").FullName;
        try
        {
            ProcessRun.Result debootstrap = ProcessRun.Run("debootstrap", ["--variant=minbase", "bookworm", tree, Mirror], TimeSpan.FromMinutes(15));
            if (debootstrap.ExitCode != 0)
            {
                return $"debootstrap --variant=minbase bookworm {Mirror} failed (is the archive reachable?): {debootstrap}";
            }

            // Written beside its final name and renamed, so a concurrent or interrupted run never sees half a tarball.
            string partial = $"{BaseTarball}.{Environment.ProcessId}.partial";
            Check(ProcessRun.Run("tar", ["-cf", partial, "--numeric-owner", "-C", tree, "."], TimeSpan.FromMinutes(5)));
            File.Move(partial, BaseTarball, overwrite: true);
            return null;
        }
        finally
        {
            // debootstrap mounts /proc and /sys in the tree while it works; a failed run may leave them.
            foreach (string line in File.ReadAllLines("/proc/self/mounts").Reverse())
            {
                string target = line.Split(' ')[1];
                if (target.StartsWith(tree + "/", StringComparison.Ordinal))
                {
                    ProcessRun.Run("umount", ["-l", target], TimeSpan.FromMinutes(1));
                }
            }

            ProcessRun.Run("rm", ["-rf", "--one-file-system", "--", tree], TimeSpan.FromMinutes(5));
        }
    }

    private static void Check(ProcessRun.Result result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }

    /// <summary>The osbuild binary of ./build.sh, whose package the test installs.</summary>
    public static string BuiltOsbuild => Osbuild.Binary;
}
