using System.Runtime.CompilerServices;

namespace Engine.Tests.Shared;

/// <summary>
/// Where the repository and its test data are. Found from this source file, not from the test
/// binary, because tests built with <c>--artifacts-path</c> run outside the repository. Everything a
/// test reads lives inside the repository (osbuild's data set is under <c>tests/data/osbuild</c>), and
/// a missing file or folder fails the test with its path instead of shrinking a theory to no rows.
/// Compiled into every test project (see tests/Directory.Build.props).
/// </summary>
internal static class RepositoryData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>osbuild's sample manifests and test fixtures (tests/data/osbuild, see its README).</summary>
    public static string OsbuildData => Existing(Path.Combine(RepoRoot, "tests", "data", "osbuild"));

    /// <summary>A file or folder of <see cref="OsbuildData"/>; fails naming the path when it is missing.</summary>
    public static string Osbuild(params string[] parts) => Existing(Path.Combine([OsbuildData, .. parts]));

    /// <summary>
    /// The files of a data folder, in ordinal order, for a data-driven theory. Never empty: a
    /// missing folder or one without matching files throws, naming it.
    /// </summary>
    public static string[] Files(string directory, string pattern, SearchOption option = SearchOption.TopDirectoryOnly)
    {
        string[] files = [.. Directory.EnumerateFiles(Existing(directory), pattern, option).Order(StringComparer.Ordinal)];
        return files.Length > 0
            ? files
            : throw new InvalidOperationException($"test data folder {directory} has no {pattern} files; restore it from git");
    }

    /// <summary>The subfolders of a data folder, in ordinal order; never empty.</summary>
    public static string[] Directories(string directory)
    {
        string[] directories = [.. Directory.EnumerateDirectories(Existing(directory)).Order(StringComparer.Ordinal)];
        return directories.Length > 0
            ? directories
            : throw new InvalidOperationException($"test data folder {directory} has no subfolders; restore it from git");
    }

    private static string Existing(string path)
        => File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new FileNotFoundException($"test data {path} is missing; it belongs to the repository (restore it from git)", path);

    private static string FindRepoRoot([CallerFilePath] string thisFile = "")
    {
        string? dir = Path.GetDirectoryName(thisFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Engine.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Engine.sln not found above " + thisFile);
    }
}
