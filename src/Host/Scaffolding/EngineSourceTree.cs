using System.Runtime.CompilerServices;

namespace Engine.Host.Scaffolding;

/// <summary>
/// Where the scaffolder finds its templates and the engine's source tree. C# plugins reference the
/// Protocol SDK as a project (<c>src/Protocol/Engine.Protocol.csproj</c>) of the repository the host
/// was built from: that path is taken at compile time (the compiler's path of this very file, so no
/// build step has to pass it), and <c>OSBUILD_REPO</c> overrides it when the host was built elsewhere
/// or the repository has moved. The templates are installed by build.sh beside the binary
/// (<c>out/share/osbuild/templates</c>); a host run from its build folder uses the repository's.
/// </summary>
internal static class EngineSourceTree
{
    /// <summary>The environment variable that names the engine's repository.</summary>
    public const string RepositoryVariable = "OSBUILD_REPO";

    /// <summary>The Protocol SDK project, relative to the repository.</summary>
    public static readonly string ProtocolProject = Path.Combine("src", "Protocol", "Engine.Protocol.csproj");

    /// <summary>The repository (a folder holding <see cref="ProtocolProject"/>), or null when none is found.</summary>
    public static string? FindRepository(string? environmentValue)
    {
        if (!string.IsNullOrEmpty(environmentValue))
        {
            // An explicit choice is not second-guessed: a wrong OSBUILD_REPO is an error, not a fallback.
            return HasProtocolProject(environmentValue) ? Path.GetFullPath(environmentValue) : null;
        }

        var candidates = new List<string>();
        string? compiledFrom = Path.GetDirectoryName(CompiledPath());
        if (compiledFrom is not null && Path.IsPathRooted(compiledFrom))
        {
            candidates.Add(Path.Combine(compiledFrom, "..", "..", ".."));
        }

        // Deterministic builds may map source paths to /_/; the binary in out/bin still sits in the repository.
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            candidates.Add(dir);
        }

        return candidates.Where(HasProtocolProject).Select(Path.GetFullPath).FirstOrDefault();
    }

    /// <summary>
    /// The template folders to try, in order: installed beside the binary, then the repository's
    /// (<c>OSBUILD_REPO</c>'s if it is one, then the one the host was built from).
    /// </summary>
    public static IReadOnlyList<string> TemplateFolders(string? environmentValue)
    {
        var folders = new List<string>();
        if (Cli.HostEnvironment.InstallPrefix() is string prefix)
        {
            folders.Add(Path.Combine(prefix, "share", "osbuild", "templates"));
        }

        foreach (string? repository in new[] { FindRepository(environmentValue), FindRepository(null) })
        {
            if (repository is not null && !folders.Contains(Path.Combine(repository, "templates")))
            {
                folders.Add(Path.Combine(repository, "templates"));
            }
        }

        return folders;
    }

    private static bool HasProtocolProject(string directory) => File.Exists(Path.Combine(directory, ProtocolProject));

    private static string CompiledPath([CallerFilePath] string path = "") => path;
}
