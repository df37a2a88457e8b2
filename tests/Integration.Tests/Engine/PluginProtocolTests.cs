using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>Third-party plugins that the build does not compile, dropped into a --plugin-path.</summary>
public sealed class PluginProtocolTests
{
    private static string FixturePlugins => Path.Combine(Osbuild.Fixtures, "plugins");

    private static Osbuild.Result Build(TempStore scratch, string manifestJson, params string[] extra)
    {
        string manifest = scratch.File("manifest.json", manifestJson);
        return Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--json", .. extra, manifest]);
    }

    private static string TreeOf(TempStore scratch, Osbuild.Result run)
        => Path.Combine(scratch.Store, "refs", ((JValue.String)run.Json["tree_id"]!).Value);

    [Fact]
    public void PythonStage_ProgressAndSourcesGetOverFd3_ChangesTree()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.python-rpc", "options": {"greeting": "hi"}}]}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        string written = File.ReadAllText(Path.Combine(TreeOf(scratch, run), "rpc-result.json"));
        // sources.get of org.osbuild.files with no checksums answers {}; an unknown source is error 1001
        Assert.Equal("""{"error_code": 1001, "options": {"greeting": "hi"}, "result": {}}""", written);
    }

    [Fact]
    public void ShellStage_OnlyStdin_ChangesTree()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.stdin-sh", "options": {"name": "from-json"}}]}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("from-json\n", File.ReadAllText(Path.Combine(TreeOf(scratch, run), "name-from-stdin")));
        Assert.Contains("warning: stage org.test.stdin-sh has no meta file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OsbuildStyleStage_RunsUnchanged()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.osbuild-style", "options": {"text": "Grüße"}}]}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Grüße\n", File.ReadAllText(Path.Combine(TreeOf(scratch, run), "greeting")));
        var stage = (JValue.Object)((JValue.Array)run.Json["stages"]!).Items[0];
        Assert.Contains("wrote greeting: Grüße", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageOnFd3_StageFailsWithMessage()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.garbage"}]}""");
        Assert.Equal(1, run.ExitCode);
        var stage = (JValue.Object)((JValue.Array)run.Json["stages"]!).Items[0];
        Assert.Equal(JValue.Bool.False, stage["success"]);
        string output = ((JValue.String)stage["output"]!).Value;
        Assert.Contains("error: org.test.garbage wrote something that is not JSON-RPC on fd 3 (first bytes: \"this is not json\")", output, StringComparison.Ordinal);
        Assert.Contains("error: org.test.garbage wrote something that is not JSON-RPC on fd 3", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + run.Stderr, StringComparison.Ordinal);
        Assert.Empty(scratch.Leftovers);
    }

    [Fact]
    public void CrashingStage_FailsWithSignalStatusAndHostStaysHealthy()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.crash"}]}""");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(JValue.Bool.False, run.Json["success"]);
        Assert.Empty(scratch.Leftovers);

        // the same store still builds
        Osbuild.Result next = Build(scratch, """{"stages": [{"name": "org.test.populate"}]}""");
        Assert.True(next.ExitCode == 0, next.ToString());
    }

    [Fact]
    public void HangingStage_KilledByTimeoutWithAllItsProcesses()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.hang"}]}""", "--timeout", "2");
        Assert.Equal(1, run.ExitCode);
        var stage = (JValue.Object)((JValue.Array)run.Json["stages"]!).Items[0];
        Assert.Contains("org.test.hang did not finish within 2 s (--timeout) and was killed", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), dir =>
            File.Exists(Path.Combine(dir, "cmdline")) && SafeRead(Path.Combine(dir, "cmdline")).StartsWith("sleep\01000", StringComparison.Ordinal));
        Assert.Empty(scratch.Leftovers);
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
