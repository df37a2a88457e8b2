using Engine.Host.Store;

namespace Engine.Host.Tests.Store;

/// <summary>The object store's promises: objects named by treesum, refs by id, commits by rename.</summary>
public sealed class ObjectStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("engine-store-").FullName;

    public void Dispose()
    {
        DisposeTransient();
        GuardedDelete.Remove(_root);
    }

    private ObjectStore NewStore() => new(Path.Combine(_root, "store"), TreeSum.Compute);

    /// <summary>A tree in a transient directory of the store, as the executor makes them; the directory goes with <see cref="Dispose"/>.</summary>
    private readonly List<TempDirectory> _transient = [];

    private string TreeWith(ObjectStore store, string content)
    {
        TempDirectory work = store.CreateTemporary();
        _transient.Add(work);
        string tree = Path.Combine(work.Path, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "file"), content);
        return tree;
    }

    private void DisposeTransient()
    {
        _transient.ForEach(t => t.Dispose());
        _transient.Clear();
    }

    [Fact]
    public void Commit_MovesTheTreeUnderItsTreesum_AndRefersTheIdToIt()
    {
        ObjectStore store = NewStore();
        string tree = TreeWith(store, "one");
        string expected = TreeSum.Compute(tree, CancellationToken.None);

        string treeSum = store.Commit(tree, "id1", CancellationToken.None);

        Assert.Equal(expected, treeSum);
        Assert.False(Directory.Exists(tree), "the committed directory is consumed");
        Assert.True(store.Contains("id1"));
        Assert.Equal(Path.Combine(store.ObjectsDirectory, treeSum), store.ObjectPath("id1"));
        Assert.Equal("../objects/" + treeSum, new FileInfo(store.RefPath("id1")).LinkTarget);
    }

    [Fact]
    public void Commit_SameContentTwice_OneObjectTwoRefs()
    {
        ObjectStore store = NewStore();

        string first = store.Commit(TreeWith(store, "same"), "id1", CancellationToken.None);
        string second = store.Commit(TreeWith(store, "same"), "id2", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetDirectories(store.ObjectsDirectory));
        DisposeTransient();
        string[] transient = [.. Directory.GetFileSystemEntries(store.Root).Select(Path.GetFileName).Where(n => !ObjectStore.PersistentFolders.Contains(n!))!];
        Assert.True(transient.Length == 0, "left in the store: " + string.Join(", ", transient));
    }

    [Fact]
    public void Commit_ExistingId_RefNowPointsAtTheNewObject()
    {
        ObjectStore store = NewStore();
        store.Commit(TreeWith(store, "old"), "id1", CancellationToken.None);

        string newer = store.Commit(TreeWith(store, "new"), "id1", CancellationToken.None);

        Assert.Equal(Path.Combine(store.ObjectsDirectory, newer), store.ObjectPath("id1"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(store.RefPath("id1"), "file")));
    }

    [Fact]
    public void Contains_DanglingRef_IsAbsent()
    {
        ObjectStore store = NewStore();
        Directory.CreateDirectory(store.RefsDirectory);
        File.CreateSymbolicLink(store.RefPath("gone"), "../objects/0000");

        Assert.False(store.Contains("gone"));
        Assert.False(store.Contains(null));
    }
}
