namespace Engine.Plugins.Shared;

/// <summary>Directory entries of any type (file, directory, symlink, even a dangling one), as osbuild's stages test and remove them.</summary>
internal static class FileEntries
{
    /// <summary>Whether something (even a dangling symlink) is at <paramref name="path"/> (Python's <c>os.path.lexists</c>).</summary>
    public static bool Exists(string path)
        => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>Deletes a file, symlink or directory (recursively, without following symlinks); nothing there is fine.</summary>
    public static void Delete(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null && Directory.Exists(path))
        {
            // Directory.Delete(recursive) removes symlinks inside without following them.
            Directory.Delete(path, recursive: true);
        }
        else if (info.Exists || info.LinkTarget is not null)
        {
            File.Delete(path);
        }
    }

    /// <summary>Deletes everything inside <paramref name="directory"/>, keeping the directory itself; a missing directory is fine.</summary>
    public static void DeleteContents(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string entry in Directory.EnumerateFileSystemEntries(directory))
        {
            Delete(entry);
        }
    }
}
