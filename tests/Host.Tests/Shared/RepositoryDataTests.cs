using Engine.Tests.Shared;

namespace Engine.Host.Tests.Shared;

/// <summary>The data locator every data-driven theory uses: missing data fails loudly, never as zero rows.</summary>
public sealed class RepositoryDataTests
{
    [Fact]
    public void OsbuildData_IsInsideTheRepository()
    {
        string data = Path.GetFullPath(RepositoryData.OsbuildData);
        Assert.StartsWith(Path.GetFullPath(RepositoryData.RepoRoot) + "/", data, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "LICENSE")), "osbuild's LICENSE must sit beside its data");
    }

    [Fact]
    public void Files_MissingFolder_FailsNamingIt()
    {
        string missing = Path.Combine(RepositoryData.RepoRoot, "tests", "data", "no-such-folder");
        var error = Assert.Throws<FileNotFoundException>(() => RepositoryData.Files(missing, "*.json"));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_FolderWithoutMatches_FailsInsteadOfReturningNoRows()
    {
        string folder = RepositoryData.Osbuild("samples");
        var error = Assert.Throws<InvalidOperationException>(() => RepositoryData.Files(folder, "*.no-such-extension"));
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Osbuild_MissingFile_FailsNamingIt()
    {
        var error = Assert.Throws<FileNotFoundException>(() => RepositoryData.Osbuild("samples", "no-such.json"));
        Assert.Contains("samples/no-such.json", error.Message, StringComparison.Ordinal);
    }
}
