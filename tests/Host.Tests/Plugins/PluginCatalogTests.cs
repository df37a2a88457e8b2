using Engine.Host.Plugins;
using Engine.Protocol;

namespace Engine.Host.Tests.Plugins;

/// <summary>Finding plugins by name over the search path, without a build.</summary>
public sealed class PluginCatalogTests : IDisposable
{
    private readonly PluginRoot _first = new();
    private readonly PluginRoot _second = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public void Find_SameNameInTwoRoots_FirstRootWins()
    {
        _first.Add(PluginKind.Stage, "org.example.a", null);
        _second.Add(PluginKind.Stage, "org.example.a", """{"summary": "second"}""");
        var catalog = new PluginCatalog([_first.Path, _second.Path]);

        PluginInfo found = catalog.Find(PluginKind.Stage, "org.example.a")!;

        Assert.Equal(_first.Path, found.Root);
        Assert.Null(found.Meta);
    }

    [Fact]
    public void SearchPath_PluginPathThenEnvironmentThenLibDir()
    {
        IReadOnlyList<string> roots = PluginCatalog.SearchPath(["/p1", "/p2"], "/e1::/e2", "/lib");

        Assert.Equal(["/p1", "/p2", "/e1", "/e2", "/lib"], roots);
    }

    [Fact]
    public void Find_KindMatters_StageIsNotAnAssembler()
    {
        _first.Add(PluginKind.Stage, "org.example.a", null);
        var catalog = _first.Catalog();

        Assert.NotNull(catalog.Find(PluginKind.Stage, "org.example.a"));
        Assert.Null(catalog.Find(PluginKind.Assembler, "org.example.a"));
    }

    [Theory]
    [InlineData("../stages/org.example.a")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Find_NamesThatAreNotPluginNames_NotFound(string name)
    {
        _first.Add(PluginKind.Stage, "org.example.a", null);

        Assert.Null(_first.Catalog().Find(PluginKind.Stage, name));
    }

    [Fact]
    public void NotFoundMessage_NamesWhereItLookedAndNearMatches()
    {
        _first.Add(PluginKind.Stage, "org.example.hello", null);

        string message = _first.Catalog().NotFoundMessage(PluginKind.Stage, "org.example.helo");

        Assert.Contains($"no stage named 'org.example.helo' (looked in {Path.Combine(_first.Path, "stages")})", message, StringComparison.Ordinal);
        Assert.Contains("Did you mean org.example.hello?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_BrokenMetaFile_ThrowsNamingTheFile()
    {
        _first.Add(PluginKind.Stage, "org.example.broken", "{ not json");

        var error = Assert.Throws<PluginException>(() => _first.Catalog().Find(PluginKind.Stage, "org.example.broken"));

        Assert.Contains("org.example.broken.meta.json: the meta file is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_EveryPluginOfAKindOnce_MetaFilesAreNotPlugins()
    {
        _first.Add(PluginKind.Stage, "org.example.b", "{}").Add(PluginKind.Stage, "org.example.a", null);
        _second.Add(PluginKind.Stage, "org.example.a", null).Add(PluginKind.Stage, "org.example.c", null);

        var names = new PluginCatalog([_first.Path, _second.Path]).List(PluginKind.Stage).Select(p => p.Name);

        Assert.Equal(["org.example.a", "org.example.b", "org.example.c"], names);
    }
}
