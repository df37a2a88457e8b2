using System.Diagnostics;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// A work directory in /var/tmp (disk images are large and sparse; /tmp may be a small tmpfs),
/// removed with <c>rm -rf --one-file-system</c> so that a mount left by a failed run is never crossed.
/// </summary>
internal sealed class ImageScratch : IDisposable
{
    public ImageScratch(string prefix)
    {
        Path = System.IO.Path.Combine("/var/tmp", $"{prefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        Tree = Combine("tree");
        Output = Combine("output");
        Directory.CreateDirectory(Tree);
        Directory.CreateDirectory(Output);
    }

    public string Path { get; }

    public string Tree { get; }

    public string Output { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        using var rm = Process.Start("rm", ["-rf", "--one-file-system", "--", Path]);
        rm.WaitForExit();
    }
}
