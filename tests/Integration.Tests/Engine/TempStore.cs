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

    /// <summary>Entries of the store other than objects, refs and sources: must be empty after every build.</summary>
    public string[] Leftovers => Directory.Exists(Store)
        ? Directory.GetFileSystemEntries(Store).Select(p => Path.GetFileName(p)!).Where(n => n is not ("objects" or "refs" or "sources")).ToArray()
        : [];

    public void Dispose() => GuardedDelete.Remove(Root);
}
