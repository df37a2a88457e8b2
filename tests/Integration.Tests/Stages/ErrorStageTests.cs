namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.error: Python's sys.exit semantics for the status.</summary>
public sealed class ErrorStageTests
{
    [Theory]
    [InlineData("{}", 255, "255")]
    [InlineData("""{"returncode": 3}""", 3, "3")]
    [InlineData("""{"returncode": 0}""", 0, "0")]
    [InlineData("""{"returncode": 256}""", 0, "256")]
    [InlineData("""{"returncode": -1}""", 255, "-1")]
    [InlineData("""{"returncode": 123456789012345678901234567890}""", 255, "123456789012345678901234567890")]
    [InlineData("""{"returncode": true}""", 1, "True")]
    [InlineData("""{"returncode": null}""", 0, "None")]
    public async Task Error_ReturnCode_ExitsWithLow8BitsAndSaysSo(string options, int expectedStatus, string shown)
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.error", tree.Path, options);

        Assert.Equal(expectedStatus, result.ExitCode);
        Assert.Equal($"Error stage will now return error: {shown}\n", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Error_FloatReturnCode_PrintsItToStderrAndExits1()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.error", tree.Path, """{"returncode": 2.0}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error stage will now return error: 2.0\n", result.Stdout);
        Assert.Equal("2.0\n", result.Stderr);
    }

    [Fact]
    public async Task Error_Any_LeavesTreeUntouched()
    {
        using var tree = new ScratchTree();

        await BuiltinPlugin.RunStageAsync("org.osbuild.error", tree.Path, "{}");

        Assert.Empty(Directory.EnumerateFileSystemEntries(tree.Path));
    }
}
