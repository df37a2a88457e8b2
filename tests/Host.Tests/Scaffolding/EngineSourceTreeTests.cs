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
        // (Run from a build output, not an installation: no installed share/osbuild/templates comes first.)
        var folders = EngineSourceTree.TemplateFolders("/nonexistent");
        Assert.DoesNotContain(folders, f => f.StartsWith("/nonexistent", StringComparison.Ordinal));
        Assert.Equal(ScaffoldScratch.Templates, folders[^1]);
    }
}
