namespace Engine.Host.Tests;

/// <summary>Locates the shared osbuild data set (../shared/osbuild-data beside the repository).</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string OsbuildData => Path.Combine(RepoRoot, "..", "shared", "osbuild-data");

    public static string Path_(params string[] parts) => Path.Combine([OsbuildData, .. parts]);

    private static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Engine.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}
