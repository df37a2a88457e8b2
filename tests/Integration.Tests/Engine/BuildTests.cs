using System.Diagnostics;
using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>Real builds with the installed host, real bubblewrap and the built-in plugins.</summary>
public sealed class BuildTests
{
    private const string NoopTreeId = "beda46704765a47e6d4f44aff22168ae36866c9c0e6e11552b775b77776b2969";
    private const string NoopOutputId = "7a3f428423152989c6fbfac6c74f2a231670a195803fd804fd63b432fbbd0b9f";
    private const string EmptyTreeSum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static string FixturePlugins => Path.Combine(Osbuild.Fixtures, "plugins");

    [Fact]
    public void NoopSample_BuiltTwice_SecondRunIsFullyCached()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = Path.Combine(Osbuild.SharedData, "samples", "noop.json");

        // When the noop sample is built, then built again with the same store
        Osbuild.Result first = Osbuild.Run(["--store", scratch.Store, "--json", manifest]);
        Osbuild.Result second = Osbuild.Run(["--store", scratch.Store, "--json", manifest]);

        // Then the first run ran the stage and the assembler with osbuild's result shape
        Assert.True(first.ExitCode == 0, first.ToString());
        JValue.Object result = first.Json;
        Assert.Equal(["stages", "tree_id", "assembler", "output_id", "success"], result.Members.Select(m => m.Key));
        var stage = (JValue.Object)((JValue.Array)result["stages"]!).Items.Single();
        Assert.Equal(["name", "id", "options", "success", "output"], stage.Members.Select(m => m.Key));
        Assert.Equal(NoopTreeId, ((JValue.String)stage["id"]!).Value);
        Assert.Contains("Not doing anything with these options: {}", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);

        // And the second run started nothing: exactly osbuild's fully cached result
        Assert.Equal(
            $$"""{"tree_id": "{{NoopTreeId}}", "output_id": "{{NoopOutputId}}", "success": true}""" + "\n",
            second.Stdout);

        // And the store holds exactly the two refs, both pointing at the empty tree's object, and nothing else
        Assert.Equal(new[] { NoopOutputId, NoopTreeId }.Order(), scratch.Refs);
        Assert.Equal([EmptyTreeSum], scratch.Objects);
        Assert.Equal("../objects/" + EmptyTreeSum, new FileInfo(Path.Combine(scratch.Store, "refs", NoopTreeId)).LinkTarget);
        Assert.Empty(scratch.Leftovers);
    }

    [Fact]
    public void ErrorSample_StageFails_Exit1WithOutputAndNoNewRef()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();

        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--json", Path.Combine(Osbuild.SharedData, "samples", "error.json")]);

        Assert.Equal(1, run.ExitCode);
        JValue.Object result = run.Json;
        Assert.Equal(["stages", "success"], result.Members.Select(m => m.Key));
        Assert.Equal(JValue.Bool.False, result["success"]);
        var stage = (JValue.Object)((JValue.Array)result["stages"]!).Items.Single();
        Assert.Equal(JValue.Bool.False, stage["success"]);
        Assert.Contains("Error stage will now return error: 255", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
        Assert.Empty(scratch.Refs);
        Assert.Empty(scratch.Objects);
        Assert.Empty(scratch.Leftovers);
    }

    [Fact]
    public void TarAssembler_ArchiveUnpacked_MatchesTree()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("tar.json", """
            {"stages": [{"name": "org.test.populate"}],
             "assembler": {"name": "org.osbuild.tar", "options": {"filename": "tree.tar.xz", "compression": "xz"}}}
            """);

        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--json", manifest]);
        Assert.True(run.ExitCode == 0, run.ToString());
        string treeId = ((JValue.String)run.Json["tree_id"]!).Value;
        string outputId = ((JValue.String)run.Json["output_id"]!).Value;

        // Unpack with GNU tar keeping owners and modes, then compare with our own tree-diff: no difference
        string unpacked = Directory.CreateDirectory(Path.Combine(scratch.Root, "unpacked")).FullName;
        File.SetUnixFileMode(unpacked, (UnixFileMode)0x1ed);
        RunTool("tar", "--same-owner", "-xpf", Path.Combine(scratch.Store, "refs", outputId, "tree.tar.xz"), "-C", unpacked);
        Osbuild.Result diff = Osbuild.Run(["tree-diff", Path.Combine(scratch.Store, "refs", treeId), unpacked]);
        Assert.Equal("{\n  \"added_files\": [],\n  \"deleted_files\": [],\n  \"differences\": {}\n}\n", diff.Stdout);

        // And the tree really had the interesting entries
        string tree = Path.Combine(scratch.Store, "refs", treeId);
        Assert.Equal("dir/file", new FileInfo(Path.Combine(tree, "link")).LinkTarget);
        Assert.Equal((UnixFileMode)0x9ed, File.GetUnixFileMode(Path.Combine(tree, "setuid")) | (UnixFileMode)0x800);
    }

    [Fact]
    public void Checkpoint_UnknownId_Exit1ListingIt()
    {
        using var scratch = new TempStore();
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--checkpoint", "abc", "--checkpoint", NoopTreeId, Path.Combine(Osbuild.SharedData, "samples", "noop.json")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Checkpoint \x1b[1mabc\x1b[0m not found!", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(NoopTreeId + "\x1b[0m not found", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(scratch.Refs);
    }

    [Fact]
    public void Checkpoint_MiddleStage_CommittedAndReusedByLongerPipeline()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string two = scratch.File("two.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"n": 1}}]}""");
        string three = scratch.File("three.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.osbuild.noop", "options": {"n": 1}}, {"name": "org.osbuild.noop", "options": {"n": 2}}]}""");
        string firstId = ((JValue.String)((JValue.Object)((JValue.Array)((JValue.Object)Osbuild.Run(["--inspect", two]).Json["pipeline"]!)["stages"]!).Items[0])["id"]!).Value;

        Osbuild.Result first = Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--checkpoint", firstId, "--json", two]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(firstId, scratch.Refs);

        // A longer pipeline starts from the last cached stage: only its new third stage runs
        Osbuild.Result second = Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--json", three]);
        Assert.True(second.ExitCode == 0, second.ToString());
        var ran = ((JValue.Array)second.Json["stages"]!).Items.Select(s => ((JValue.Object)s)["options"]!).ToList();
        Assert.Equal([JValue.Object.From(("n", new JValue.Integer(2)))], ran);
        Assert.True(File.Exists(Path.Combine(scratch.Store, "refs", ((JValue.String)second.Json["tree_id"]!).Value, "dir", "file")));
    }

    [Fact]
    public void Interactive_Output_HasOsbuildHeadersAndIds()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, Path.Combine(Osbuild.SharedData, "samples", "noop.json")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"\n\x1b[0m\x1b[1morg.osbuild.noop: {NoopTreeId}\x1b[0m {{}}\n\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"\x1b[0m\x1b[1mAssembler org.osbuild.noop: {NoopOutputId}\x1b[0m {{}}\n\n", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith($"tree id: {NoopTreeId}\noutput id: {NoopOutputId}\n", run.Stdout, StringComparison.Ordinal);
    }

    internal static void RunTool(string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {errors}");
    }
}
