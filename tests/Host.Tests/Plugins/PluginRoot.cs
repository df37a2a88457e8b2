using Engine.Host.Plugins;
using Engine.Protocol;
using Engine.Tests.Shared;

namespace Engine.Host.Tests.Plugins;

/// <summary>
/// A plugin root in a temporary folder, for catalog and validation tests that need no build:
/// built-in plugins get their real meta file from the repository and a stub executable; test
/// plugins are written as given.
/// </summary>
internal sealed class PluginRoot : IDisposable
{
    public PluginRoot()
    {
        Path = Directory.CreateTempSubdirectory("osbuild-plugin-root-").FullName;
        foreach (string kind in PluginKind.All)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(Path, kind));
        }
    }

    public string Path { get; }

    public PluginCatalog Catalog() => new([Path]);

    /// <summary>Adds the built-in <paramref name="name"/> with the meta file it ships with.</summary>
    public PluginRoot AddBuiltin(string kind, string name)
    {
        string meta = System.IO.Path.Combine(RepositoryData.RepoRoot, "plugins", kind, name, name + ".meta.json");
        Add(kind, name, File.ReadAllText(meta));
        return this;
    }

    /// <summary>Adds a plugin: an executable stub and, unless null, its meta file text.</summary>
    public PluginRoot Add(string kind, string name, string? metaJson, UnixFileMode mode = (UnixFileMode)0b111_101_101)
    {
        string executable = System.IO.Path.Combine(Path, kind, name);
        File.WriteAllText(executable, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(executable, mode);
        if (metaJson is not null)
        {
            File.WriteAllText(executable + ".meta.json", metaJson);
        }

        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
