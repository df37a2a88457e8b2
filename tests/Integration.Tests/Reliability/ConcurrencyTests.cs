using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>Several builds of overlapping manifests on one store at the same time, as real processes.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task OverlappingManifests_BuiltInParallel_AllSucceedAndShareObjects()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string plugins = Path.Combine(Osbuild.Fixtures, "plugins");
        string[] manifests =
        [
            scratch.File("a.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"x": 1}}]}"""),
            scratch.File("b.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"x": 2}}]}"""),
            scratch.File("c.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"x": 1}}], "assembler": {"name": "org.osbuild.tar", "options": {"filename": "t.tar"}}}"""),
            scratch.File("d.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"x": 1}}]}"""),
        ];

        Osbuild.Result[] results = await Task.WhenAll(manifests.Select(m => Task.Run(() => Osbuild.Run(["--store", scratch.Store, "--plugin-path", plugins, "--json", m]))));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        string treeA = ((JValue.String)results[0].Json["tree_id"]!).Value;
        Assert.Equal(treeA, ((JValue.String)results[3].Json["tree_id"]!).Value);
        // a and b differ only in noop options, so their trees are identical: one object serves all refs
        var treeObjects = new[] { results[0], results[1] }
            .Select(r => new FileInfo(Path.Combine(scratch.Store, "refs", ((JValue.String)r.Json["tree_id"]!).Value)).LinkTarget)
            .Distinct()
            .ToList();
        Assert.Single(treeObjects);
        Assert.Equal(2, scratch.Objects.Length); // the populated tree and the tar output
        Assert.Empty(scratch.Leftovers);
    }
}
