using System.Runtime.Versioning;
namespace Engine.Integration.Tests.Sources;

/// <summary>A scratch directory under /tmp, removed with everything in it (sources never mount anything).</summary>
[SupportedOSPlatform("linux")]
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string Combine(params string[] names) => System.IO.Path.Combine([Path, .. names]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
