using Engine.Host.Store;

namespace Engine.Integration.Tests.Engine;

/// <summary>A scratch directory on the store's disk (/var/tmp), removed with the host's guarded delete.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Directory.CreateTempSubdirectory("engine-test-").FullName;
        // /tmp and /var/tmp are the same ext4 disk here, but keep scratch data off a tmpfs /tmp elsewhere.
        Store = Path.Combine(Root, "store");
    }

    public string Root { get; }

    public string Store { get; }

    public string File(string name, string content)
    {
        string path = Path.Combine(Root, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string[] Refs => Directory.Exists(Path.Combine(Store, "refs")) ? Directory.GetFileSystemEntries(Path.Combine(Store, "refs")).Select(p => Path.GetFileName(p)!).Order().ToArray() : [];

    public string[] Objects => Directory.Exists(Path.Combine(Store, "objects")) ? Directory.GetFileSystemEntries(Path.Combine(Store, "objects")).Select(p => Path.GetFileName(p)!).Order().ToArray() : [];

    /// <summary>Entries of the store that a finished build must not leave: anything but the persistent folders, and half-written provenance records.</summary>
    public string[] Leftovers => LeftoversOf(Store);

    public static string[] LeftoversOf(string store)
    {
        if (!Directory.Exists(store))
        {
            return [];
        }

        string provenance = Path.Combine(store, "provenance");
        var unfinished = Directory.Exists(provenance)
            ? Directory.GetFiles(provenance).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Select(f => "provenance/" + Path.GetFileName(f))
            : [];
        return [.. Directory.GetFileSystemEntries(store).Select(p => Path.GetFileName(p)!).Where(n => !ObjectStore.PersistentFolders.Contains(n)), .. unfinished];
    }

    public void Dispose() => GuardedDelete.Remove(Root);
}
