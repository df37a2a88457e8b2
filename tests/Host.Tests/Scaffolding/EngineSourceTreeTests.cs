using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

public sealed class EngineSourceTreeTests
{
    [Fact]
    public void FindRepository_NoVariable_IsTheRepositoryTheHostWasBuiltFrom()
        => Assert.Equal(ScaffoldScratch.RepoRoot, EngineSourceTree.FindRepository(null));

    [Fact]
    public void FindRepository_VariableNamingARepository_IsThatRepository()
    {
        using var scratch = new ScaffoldScratch();
        string protocol = Path.Combine(scratch.Root, "src", "Protocol");
        Directory.CreateDirectory(protocol);
        File.WriteAllText(Path.Combine(protocol, "Engine.Protocol.csproj"), "<Project />");
        Assert.Equal(scratch.Root, EngineSourceTree.FindRepository(scratch.Root));
    }

    [Fact]
    public void FindRepository_VariableNamingSomethingElse_IsNullRatherThanAFallback()
        => Assert.Null(EngineSourceTree.FindRepository("/nonexistent"));

    [Fact]
    public void TemplateFolders_BadVariable_StillEndsWithTheBuildRepositorysTemplates()
    {
        var folders = EngineSourceTree.TemplateFolders("/nonexistent");
        Assert.EndsWith(Path.Combine("share", "osbuild", "templates"), folders[0], StringComparison.Ordinal);
        Assert.Equal(ScaffoldScratch.Templates, folders[^1]);
    }
}
