using Engine.Native;

namespace Engine.Host.Store;

/// <summary>
/// osbuild's object store (docs/architecture.md, "Store"): committed trees in <c>objects/&lt;treesum&gt;</c>,
/// named by content, and <c>refs/&lt;id&gt;</c> symlinks to them, named by stage or assembler id.
/// Objects appear only by rename(2) and refs only by an atomic symlink replacement, so a partial
/// tree is never visible and concurrent builds of the same id are harmless. Nothing is deleted
/// from objects/ or refs/; transient directories live in the store (same file system, so commits
/// are renames) and are always removed.
/// </summary>
public sealed class ObjectStore
{
    private readonly Func<string, CancellationToken, string> _treeSum;

    /// <param name="path">The store directory (made absolute; created if missing).</param>
    /// <param name="treeSum">Computes the treesum of a directory (spec §5).</param>
    public ObjectStore(string path, Func<string, CancellationToken, string> treeSum)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(treeSum);
        Root = Path.GetFullPath(path);
        _treeSum = treeSum;
        Directory.CreateDirectory(ObjectsDirectory);
        Directory.CreateDirectory(RefsDirectory);
    }

    public string Root { get; }

    public string ObjectsDirectory => Path.Combine(Root, "objects");

    public string RefsDirectory => Path.Combine(Root, "refs");

    /// <summary>Which plugin files made each object (<see cref="PluginProvenance"/>).</summary>
    public string ProvenanceDirectory => Path.Combine(Root, "provenance");

    /// <summary>The folders a store keeps between builds; anything else at its top is a build's transient directory.</summary>
    public static IReadOnlyList<string> PersistentFolders { get; } = ["objects", "provenance", "refs", "sources"];

    /// <summary>The persistent download cache of a source.</summary>
    public string SourceCacheDirectory(string source) => Path.Combine(Root, "sources", source);

    public string RefPath(string id) => Path.Combine(RefsDirectory, id);

    /// <summary>True when <paramref name="id"/> has a ref that resolves (a dangling ref counts as absent).</summary>
    public bool Contains(string? id) => id is not null && Directory.Exists(RefPath(id));

    /// <summary>A transient directory in the store, removed on dispose.</summary>
    public TempDirectory CreateTemporary(string prefix = "tmp") => TempDirectory.Create(Root, prefix);

    /// <summary>Fills the empty directory <paramref name="destination"/> with a copy of the tree of <paramref name="id"/>.</summary>
    public void CopyTree(string id, string destination, CancellationToken cancellationToken)
        => Copy(RefPath(id) + "/.", destination, cancellationToken);

    /// <summary>
    /// Commits <paramref name="treeDirectory"/> under <paramref name="id"/> by moving it into
    /// objects/ (the directory is consumed) and returns its treesum.
    /// </summary>
    public string Commit(string treeDirectory, string id, CancellationToken cancellationToken)
    {
        string treeSum = _treeSum(treeDirectory, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        string objectPath = Path.Combine(ObjectsDirectory, treeSum);
        try
        {
            Directory.Move(treeDirectory, objectPath);
        }
        catch (IOException) when (Directory.Exists(objectPath))
        {
            // ENOTEMPTY/EEXIST: an identical tree is already stored; the copy is discarded with its
            // transient parent directory.
        }

        Refer(id, treeSum);
        return treeSum;
    }

    /// <summary>Points the ref <paramref name="id"/> at the stored object <paramref name="treeSum"/> (atomically replacing the ref).</summary>
    public void Refer(string id, string treeSum)
    {
        using TempDirectory link = CreateTemporary();
        string linkPath = Path.Combine(link.Path, "link");
        File.CreateSymbolicLink(linkPath, "../objects/" + treeSum);
        Entries.Rename(linkPath, RefPath(id));
    }

    /// <summary>The object directory that the ref <paramref name="id"/> points at.</summary>
    public string ObjectPath(string id)
        => Path.GetFullPath(Path.Combine(RefsDirectory, new FileInfo(RefPath(id)).LinkTarget ?? id));

    /// <summary>Commits a copy of <paramref name="treeDirectory"/> under <paramref name="id"/>; the original stays in use.</summary>
    public string Snapshot(string treeDirectory, string id, CancellationToken cancellationToken)
    {
        using TempDirectory temporary = CreateTemporary();
        string copy = Path.Combine(temporary.Path, "tree");
        Directory.CreateDirectory(copy);
        Copy(treeDirectory + "/.", copy, cancellationToken);
        return Commit(copy, id, cancellationToken);
    }

    /// <summary>
    /// <c>cp -a --reflink=auto</c>: a file or a directory tree with owners, modes, times, links and
    /// attributes, sharing extents where the file system can.
    /// </summary>
    /// <exception cref="IOException">cp failed; the message has its error output.</exception>
    internal static void Copy(string source, string destination, CancellationToken cancellationToken)
    {
        if (FileTool.Run("cp", ["--reflink=auto", "-a", "--", source, destination], cancellationToken) is string errors)
        {
            throw new IOException($"copying {source} to {destination} failed: {errors}");
        }
    }
}
