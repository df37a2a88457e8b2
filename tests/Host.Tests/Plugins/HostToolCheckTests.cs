using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Plugins;
using Engine.Protocol;
using P = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Tests.Plugins;

/// <summary>The meta files' "requires" and the check a build makes with them before it starts.</summary>
public sealed class HostToolCheckTests : IDisposable
{
    private readonly PluginRoot _root = new();

    public void Dispose() => _root.Dispose();

    private const string Needs = """
        {"summary": "x", "requires": [{"command": "mkfs.always", "package": "always-tools"},
                                      {"command": "mkfs.sometimes", "package": "other-tools", "when": "with option x"}]}
        """;

    [Fact]
    public void Missing_PipelineOnTheHost_NamesTheCommandAndThePackage_NotTheConditionalOne()
    {
        _root.Add(PluginKind.Stage, "org.example.mkfs", Needs).Add(PluginKind.Runner, P.HostRunner, null);

        IReadOnlyList<string> missing = HostToolCheck.Missing(Load("""{"pipeline": {"stages": [{"name": "org.example.mkfs"}]}}"""), _root.Catalog(), _ => false);

        string message = Assert.Single(missing);
        Assert.Contains("org.example.mkfs (stage, $.pipeline.stages[0]) runs mkfs.always", message, StringComparison.Ordinal);
        Assert.EndsWith("apt-get install always-tools", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_StageInABuildRoot_IsNotTheHostsBusiness_ButTheBuildPipelineIs()
    {
        _root.Add(PluginKind.Stage, "org.example.mkfs", Needs).Add(PluginKind.Stage, "org.example.base", """{"summary": "b", "requires": [{"command": "bootstrap", "package": "bootstrap-pkg"}]}""");

        IReadOnlyList<string> missing = HostToolCheck.Missing(Load("""
            {"pipeline": {"build": {"runner": "org.osbuild.host", "pipeline": {"stages": [{"name": "org.example.base"}]}},
                          "stages": [{"name": "org.example.mkfs"}]}}
            """), _root.Catalog(), _ => false);

        Assert.Equal("apt-get install bootstrap-pkg", Assert.Single(missing)[^"apt-get install bootstrap-pkg".Length..]);
    }

    [Fact]
    public void Missing_EverythingInstalled_IsEmpty()
    {
        _root.Add(PluginKind.Stage, "org.example.mkfs", Needs);

        Assert.Empty(HostToolCheck.Missing(Load("""{"pipeline": {"stages": [{"name": "org.example.mkfs"}]}}"""), _root.Catalog(), _ => true));
    }

    [Theory]
    [InlineData("""{"requires": {"command": "x"}}""", "\"requires\" must be")]
    [InlineData("""{"requires": [{"command": "x"}]}""", "\"requires\"[0] is {\"command\":\"x\"}")]
    [InlineData("""{"requires": [{"command": "x", "package": "y", "typo": 1}]}""", "\"requires\"[0]")]
    public void Load_BadRequires_NamesTheFileAndTheEntry(string meta, string expected)
    {
        _root.Add(PluginKind.Stage, "org.example.bad", meta);

        var e = Assert.Throws<PluginException>(() => PluginMeta.Load(Path.Combine(_root.Path, PluginKind.Stage, "org.example.bad.meta.json")));

        Assert.Contains("org.example.bad.meta.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>The package's Recommends/Suggests and the check before a build come from these lists.</summary>
    [Fact]
    public void EveryBuiltinMetaFile_DeclaresTheProgramsItRuns_ByDebianPackage()
    {
        foreach (string meta in Directory.EnumerateFiles(Path.Combine(Engine.Tests.Shared.RepositoryData.RepoRoot, "plugins"), "*.meta.json", SearchOption.AllDirectories))
        {
            IReadOnlyList<HostRequirement>? requires = PluginMeta.Load(meta).Requires;
            if (requires is null)
            {
                Assert.Fail($"{meta} has no \"requires\": list the programs the plugin runs, with their Debian packages ([] for none; docs/protocol.md §6)");
            }

            foreach (HostRequirement requirement in requires)
            {
                Assert.Matches("^[a-z0-9][a-z0-9.+-]+$", requirement.Package);
            }
        }
    }

    private static P Load(string json) => P.Create(ManifestLoader.Load(JsonTextParser.Parse(json, "m.json"), "m.json").Pipeline);
}
