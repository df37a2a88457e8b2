namespace Engine.Integration.Tests.Loop;

/// <summary>A scratch directory under /tmp, removed with everything in it (it never holds mounts).</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
