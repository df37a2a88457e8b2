using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// Ids depend on names and options only, so an edited plugin would silently reuse the tree its
/// old version made; the host notes it and <c>--no-cache</c> builds everything again.
/// </summary>
public sealed class PluginProvenanceTests
{
    private const string Manifest = """{"stages": [{"name": "org.example.motd", "options": {"name": "motd"}}], "assembler": {"name": "org.osbuild.noop"}}""";

    [Fact]
    public void EditedPlugin_CachedTreeReused_WithNoteNamingIt_NoCacheRebuilds()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        var (root, plugin, manifest) = CopyPluginAndManifest(scratch);
        Osbuild.Result Build(params string[] extra) => Osbuild.Run(["--store", scratch.Store, "--plugin-path", root, "--json", .. extra, manifest]);

        // Given a tree built by the plugin as it was
        Osbuild.Result first = Build();
        Assert.True(first.ExitCode == 0, first.ToString());
        string treeId = ((JValue.String)first.Json["tree_id"]!).Value;
        Assert.DoesNotContain("note:", first.Stderr, StringComparison.Ordinal);

        // When the plugin is edited and the same manifest is built again
        File.AppendAllText(plugin, "echo edited\n");
        Osbuild.Result second = Build();

        // Then the cached tree is reused, with a note naming the plugin
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Null(second.Json["stages"]);
        Assert.Contains($"note: tree {treeId} was built by an older org.example.motd; --no-cache rebuilds", second.Stderr, StringComparison.Ordinal);

        // And --no-cache runs the edited plugin and commits its tree, after which nothing is noted
        Osbuild.Result rebuilt = Build("--no-cache");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        var stage = (JValue.Object)((JValue.Array)rebuilt.Json["stages"]!).Items[0];
        Assert.Contains("edited", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
        Osbuild.Result after = Build();
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain("note:", after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TouchedButUnchangedPlugin_NoNote()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        var (root, plugin, manifest) = CopyPluginAndManifest(scratch);
        Osbuild.Result first = Osbuild.Run(["--store", scratch.Store, "--plugin-path", root, manifest]);
        Assert.True(first.ExitCode == 0, first.ToString());

        File.SetLastWriteTimeUtc(plugin, DateTime.UtcNow.AddMinutes(5));
        Osbuild.Result second = Osbuild.Run(["--store", scratch.Store, "--plugin-path", root, manifest]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("note:", second.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A private copy of a fixture stage named org.example.motd (so the test may edit it) and a manifest using it.</summary>
    private static (string Root, string Plugin, string Manifest) CopyPluginAndManifest(TempStore scratch)
    {
        string root = Path.Combine(scratch.Root, "plugins");
        string plugin = Path.Combine(root, "stages", "org.example.motd");
        Directory.CreateDirectory(Path.GetDirectoryName(plugin)!);
        File.Copy(Path.Combine(Osbuild.Fixtures, "plugins", "stages", "org.test.stdin-sh"), plugin);
        return (root, plugin, scratch.File("motd.json", Manifest));
    }
}
