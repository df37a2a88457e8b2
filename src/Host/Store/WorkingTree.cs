namespace Engine.Host.Store;

/// <summary>
/// The tree that a pipeline's stages change, from its start to its commit, in a transient
/// workspace of the store. It starts empty or from a stored tree (the last cached stage). With
/// overlays (the default), a stored tree is never copied: the stages work on an
/// <see cref="OverlayTree"/> over it; and a checkpoint stores the tree as it is (moved into the
/// store, or materialized from the overlay) and the following stages continue on a fresh overlay
/// over that new object, so a checkpoint costs its treesum instead of a copy and a treesum.
/// Without overlays (<c>OSBUILD_BASE=copy</c>, or where the mount fails) the base is copied and a
/// checkpoint is a copy, as osbuild does.
/// </summary>
internal sealed class WorkingTree : IDisposable
{
    private readonly ObjectStore _store;
    private readonly bool _overlays;
    private readonly TempDirectory _workspace;
    private OverlayTree? _overlay;
    private string _plain;
    private string? _overlayBase; // treesum of the object under the overlay
    private int _layers;

    private WorkingTree(ObjectStore store, bool overlays)
    {
        _store = store;
        _overlays = overlays;
        _workspace = store.CreateTemporary();
        _plain = "";
    }

    /// <summary>Where the stages see the tree (bound at /run/osbuild/tree).</summary>
    public string Path => _overlay?.Tree ?? _plain;

    /// <summary>A working tree that starts as the stored tree <paramref name="baseId"/>, or empty when it is null.</summary>
    public static WorkingTree Start(ObjectStore store, string? baseId, bool overlays, CancellationToken cancellationToken)
    {
        var tree = new WorkingTree(store, overlays);
        try
        {
            if (baseId is null || !tree.TryOverlay(baseId))
            {
                tree.NewPlainTree(baseId, cancellationToken);
            }
        }
        catch
        {
            tree.Dispose();
            throw;
        }

        return tree;
    }

    /// <summary>Stores the tree as it is now under <paramref name="id"/>, and goes on working on it.</summary>
    public void Checkpoint(string id, CancellationToken cancellationToken)
    {
        if (!_overlays)
        {
            _store.Snapshot(_plain, id, cancellationToken);
            return;
        }

        // The tree itself becomes the object (nothing is copied); the next stages change an overlay over it.
        StoreCurrent(id, cancellationToken);
        if (!TryOverlay(id))
        {
            NewPlainTree(id, cancellationToken);
        }
    }

    /// <summary>Stores the final tree under <paramref name="id"/>; the working tree is used up.</summary>
    public void Commit(string id, CancellationToken cancellationToken) => StoreCurrent(id, cancellationToken);

    public void Dispose()
    {
        _overlay?.Dispose();
        _workspace.Dispose();
    }

    private void StoreCurrent(string id, CancellationToken cancellationToken)
    {
        if (_overlay is null)
        {
            _store.Commit(_plain, id, cancellationToken);
        }
        else if (_overlay.IsUnchanged())
        {
            // The stages left the object under the overlay as it was: it is the result.
            _store.Refer(id, _overlayBase!);
        }
        else
        {
            string result = System.IO.Path.Combine(_workspace.Path, $"result-{_layers}");
            _overlay.Materialize(result, cancellationToken);
            _store.Commit(result, id, cancellationToken);
        }

        _overlay?.Dispose();
        _overlay = null;
    }

    private bool TryOverlay(string id)
    {
        if (!_overlays)
        {
            return false;
        }

        string objectPath = _store.ObjectPath(id);
        string layer = Directory.CreateDirectory(System.IO.Path.Combine(_workspace.Path, $"layer-{++_layers}")).FullName;
        _overlay = OverlayTree.TryMount(objectPath, layer, out _);
        _overlayBase = _overlay is null ? null : System.IO.Path.GetFileName(objectPath);
        return _overlay is not null;
    }

    private void NewPlainTree(string? baseId, CancellationToken cancellationToken)
    {
        _plain = System.IO.Path.Combine(_workspace.Path, $"tree-{++_layers}");
        TreeDirectory.Create(_plain);
        if (baseId is not null)
        {
            // No overlay (turned off, or the kernel or file system cannot): a copy, reflinked where possible.
            _store.CopyTree(baseId, _plain, cancellationToken);
        }
    }
}
