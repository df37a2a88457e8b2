using Engine.Tests.Shared;

namespace Engine.Host.Tests;

/// <summary>The repository and osbuild's data set in it (tests/data/osbuild); see <see cref="RepositoryData"/>.</summary>
internal static class TestData
{
    public static string RepoRoot => RepositoryData.RepoRoot;

    public static string OsbuildData => RepositoryData.OsbuildData;

    public static string Path_(params string[] parts) => RepositoryData.Osbuild(parts);
}
