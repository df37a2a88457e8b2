using System.Runtime.CompilerServices;
using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

/// <summary>A temporary output folder and an empty libdir for one scaffolding test.</summary>
internal sealed class ScaffoldScratch : IDisposable
{
    public ScaffoldScratch()
    {
        Root = Directory.CreateTempSubdirectory("h6-scaffold-").FullName;
        Output = Path.Combine(Root, "plugins");
        LibDir = Path.Combine(Root, "lib");
        Directory.CreateDirectory(LibDir);
    }

    /// <summary>The repository, from this file's compile-time path (also right when tests build into an --artifacts-path).</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(ThisFile(), "..", "..", "..", ".."));

    public static string Templates => Path.Combine(RepoRoot, "templates");

    public string Root { get; }

    public string Output { get; }

    public string LibDir { get; }

    public Scaffolder Scaffolder(string? repository = "/path/to/engine", string? templates = null)
        => new(new ScaffoldSettings(templates ?? Templates, LibDir, repository, "osbuild"));

    public ScaffoldRequest Request(string kind, string language, string name = "org.example.hello", bool force = false)
        => new(kind, name, language, Output, force);

    /// <summary>Every file below the output folder, relative, with '/' separators, sorted.</summary>
    public IReadOnlyList<string> OutputFiles()
        => Directory.Exists(Output)
            ? Directory.EnumerateFiles(Output, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Output, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    private static string ThisFile([CallerFilePath] string path = "") => path;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
