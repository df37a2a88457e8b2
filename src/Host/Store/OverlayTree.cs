using System.Globalization;
using System.Runtime.InteropServices;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Store;

/// <summary>
/// A pipeline's working tree over a stored object, without copying it: an overlayfs mount whose
/// lower layer is the object (never written: overlayfs copies a file up before changing it) and
/// whose upper layer collects what the stages change. Starting from a cached 330 MB base costs a
/// mount (milliseconds) instead of a <c>cp -a</c> (about a second; docs/performance.md).
/// Options: <c>redirect_dir=on</c> so that stages can rename directories (off, rename(2) of a
/// lower directory fails with EXDEV, which programs that rename directories do not expect),
/// <c>metacopy=off</c> so that a changed file is whole in the upper layer, <c>index=off</c> (the
/// default) so that concurrent builds can share one base. With index off, changing one name of a
/// file that has several hard links in the base copies up that name only; the other names keep the
/// old contents, unlike in a copied tree (a stage that writes in place into a multiply linked file
/// sees a difference; programs that replace files by rename, as package managers do, do not).
/// The layers are passed as <c>/proc/self/fd/N</c> so that a store path with commas or colons
/// needs no escaping. At the end, <see cref="Materialize"/> makes the result a plain directory of
/// hard links, or <see cref="IsUnchanged"/> says that the base itself is the result.
/// </summary>
internal sealed class OverlayTree : IDisposable
{
    private readonly string _lower;
    private readonly string _upper;
    private bool _mounted;

    private OverlayTree(string lower, string upper, string tree)
    {
        _lower = lower;
        _upper = upper;
        Tree = tree;
        _mounted = true;
    }

    /// <summary>The mount point: what the stages see and change.</summary>
    public string Tree { get; }

    /// <summary>
    /// Mounts an overlay of <paramref name="lowerObject"/> at <paramref name="workspace"/>/tree, with
    /// upper and work directories beside it; null (and the reason) when this kernel or file system
    /// cannot, in which case the caller copies the base instead.
    /// </summary>
    public static OverlayTree? TryMount(string lowerObject, string workspace, out string? whyNot)
    {
        string upper = Path.Combine(workspace, "upper");
        string work = Path.Combine(workspace, "work");
        string tree = Path.Combine(workspace, "tree");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(tree);

        // The merged root shows the upper root's owner, mode, attributes and times: make them the base's.
        OverlayMaterializer.CopyDirectoryMetadata(lowerObject, upper);

        using SafeFileHandle lowerHandle = Directories.OpenPath(lowerObject);
        using SafeFileHandle upperHandle = Directories.OpenPath(upper);
        using SafeFileHandle workHandle = Directories.OpenPath(work);
        string options = string.Create(CultureInfo.InvariantCulture,
            $"lowerdir=/proc/self/fd/{lowerHandle.DangerousGetHandle()},upperdir=/proc/self/fd/{upperHandle.DangerousGetHandle()},workdir=/proc/self/fd/{workHandle.DangerousGetHandle()},redirect_dir=on,metacopy=off,index=off");
        int errno = Mounts.TryMount("overlay", tree, "overlay", 0, options);
        if (errno != 0)
        {
            whyNot = $"overlay mount on {tree} failed: {Marshal.GetPInvokeErrorMessage(errno)}";
            return null;
        }

        whyNot = null;
        return new OverlayTree(lowerObject, upper, tree);
    }

    /// <summary>True when the stages changed nothing: the upper layer is empty and the root kept the base's owner and mode.</summary>
    public bool IsUnchanged()
    {
        if (Directory.EnumerateFileSystemEntries(_upper).Any())
        {
            return false;
        }

        var upper = new FileInfo(_upper);
        var lower = new FileInfo(_lower);
        return upper.UnixFileMode == lower.UnixFileMode && SameOwner(_upper, _lower)
            && SameLabel(_upper, _lower);
    }

    /// <summary>Builds the result as a plain directory at <paramref name="destination"/> (see <see cref="OverlayMaterializer"/>).</summary>
    public void Materialize(string destination, CancellationToken cancellationToken)
        => OverlayMaterializer.Run(Tree, _upper, _lower, destination, cancellationToken);

    /// <summary>Unmounts; a mount still busy (a process left in it) is detached instead.</summary>
    public void Dispose()
    {
        if (!_mounted)
        {
            return;
        }

        _mounted = false;
        if (Mounts.TryUnmount(Tree, 0) == Errno.EBUSY)
        {
            _ = Mounts.TryUnmount(Tree, Mounts.MNT_DETACH);
        }
    }

    private static bool SameOwner(string a, string b) => Owner(a) == Owner(b);

    private static bool SameLabel(string a, string b)
        => (SelinuxLabels.Get(a) ?? []).AsSpan().SequenceEqual(SelinuxLabels.Get(b) ?? []);

    private static (uint Uid, uint Gid) Owner(string path)
    {
        FileStatus status = FileStatus.Get(FileNames.NulTerminated(path));
        return (status.Uid, status.Gid);
    }

}
