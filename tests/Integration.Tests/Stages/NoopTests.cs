namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.noop, stage and assembler (2.1): one entry serves both.</summary>
public sealed class NoopTests
{
    [Fact]
    public async Task NoopStage_Options_PrintsThemAsPythonJson()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.noop", tree.Path, """{"zeta": 1, "Alpha": "x/y", "t": "Grüße", "l": [1.0, true, null]}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Not doing anything with these options: {\"zeta\": 1, \"Alpha\": \"x/y\", \"t\": \"Gr\\u00fc\\u00dfe\", \"l\": [1.0, true, null]}\n", result.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tree.Path));
    }

    [Fact]
    public async Task NoopAssembler_Options_PrintsThemAndWritesNothing()
    {
        using var tree = new ScratchTree();
        Directory.CreateDirectory(tree.Combine("out"));

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.noop", tree.Combine("tree"), tree.Combine("out"), """{"x": 3.0}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Not doing anything with these options: {\"x\": 3.0}\n", result.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tree.Combine("out")));
    }
}
