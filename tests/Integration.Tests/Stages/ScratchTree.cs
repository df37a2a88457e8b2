using System.Diagnostics;

namespace Engine.Integration.Tests.Stages;

/// <summary>
/// A throw-away directory under /var/tmp (ext4 here, so SELinux labels and device-less trees work;
/// /tmp may be a tmpfs elsewhere). Deleted with <c>rm -rf --one-file-system</c>, which never
/// crosses into something mounted below it.
/// </summary>
internal sealed class ScratchTree : IDisposable
{
    public ScratchTree(string prefix = "engine-stage-")
    {
        Path = System.IO.Path.Join("/var/tmp", prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        if (OperatingSystem.IsLinux())
        {
            // Trees are 0755 like a real root, whatever the umask.
            File.SetUnixFileMode(Path, (UnixFileMode)0x1ed);
        }
    }

    private ScratchTree(string path, bool existing)
    {
        _ = existing;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Adopts <paramref name="path"/> (made by someone else) for deletion.</summary>
    public static ScratchTree Adopt(string path) => new(path, existing: true);

    public string Combine(string relative) => System.IO.Path.Join(Path, relative);

    /// <summary>Creates a file below the tree (folders included) and returns its path.</summary>
    public string Write(string relative, string text)
    {
        string path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public string Read(string relative) => File.ReadAllText(Combine(relative));

    public void Dispose()
    {
        using var remove = Process.Start("rm", ["-rf", "--one-file-system", Path]);
        remove.WaitForExit();
    }
}
