using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// docs/protocol.md §3.5: a plugin's <c>log</c> lines reach the user in both output modes (stderr,
/// live) and stay in the stage's <c>output</c>; a level outside debug|info|warning|error is
/// explained to the user, and a request with one gets a JSON-RPC error.
/// </summary>
public sealed class LogNotificationTests
{
    private const string Manifest = """{"stages": [{"name": "org.test.log-lines"}]}""";

    private static Osbuild.Result Build(TempStore scratch, bool json)
    {
        string manifest = scratch.File("manifest.json", Manifest);
        string[] mode = json ? ["--json"] : [];
        return Osbuild.Run(["--store", scratch.Store, "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), .. mode, manifest]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogLines_ShownOnStderr_InBothModes(bool json)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, json);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("org.test.log-lines [warning] first log line", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("org.test.log-lines sent a log line with level \"loud\"; the levels are debug, info, warning, error: shouted line", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[loud]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void LogLines_KeptInTheStageOutput_EachOnItsOwnLine()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, json: true);
        Assert.True(run.ExitCode == 0, run.ToString());
        var stage = (JValue.Object)((JValue.Array)run.Json["stages"]!).Items[0];
        string[] lines = ((JValue.String)stage["output"]!).Value.Split('\n');

        // Pipe and socket are read apart, so only each line's presence is certain, not their order.
        Assert.Contains("[warning] first log line", lines);
        Assert.Contains("a plain stdout line", lines);
        Assert.Contains("[warning] org.test.log-lines sent a log line with level \"loud\"; the levels are debug, info, warning, error: shouted line", lines);
    }

    [Fact]
    public void LogRequest_UnknownLevel_GetsInvalidParamsError()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, json: true);
        Assert.True(run.ExitCode == 0, run.ToString());
        string tree = Path.Combine(scratch.Store, "refs", ((JValue.String)run.Json["tree_id"]!).Value);
        Assert.Equal("-32602", File.ReadAllText(Path.Combine(tree, "log-reply.json")));
    }
}
