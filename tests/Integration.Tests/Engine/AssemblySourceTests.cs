using System.Diagnostics;
using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>A .NET source dropped in as an assembly folder is loaded in-process and serves sources.get.</summary>
public sealed class AssemblySourceTests
{
    private static readonly Lazy<string> s_pluginRoot = new(BuildFixture);

    [Fact]
    public void AssemblySource_InPluginPath_ServesSourcesGet()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """{"stages": [{"name": "org.test.copy-source", "options": {"source": "org.test.assembly-source", "checksums": ["one", "two"]}}]}""");

        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", s_pluginRoot.Value, "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), "--json", manifest]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string tree = Path.Combine(scratch.Store, "refs", ((JValue.String)run.Json["tree_id"]!).Value);
        Assert.Equal("2", File.ReadAllText(Path.Combine(tree, "reply.json")));
        Assert.Equal("one", File.ReadAllText(Path.Combine(tree, "one")));
        Assert.Contains("org.test.assembly-source", Osbuild.Run(["plugins", "list", "--plugin-path", s_pluginRoot.Value]).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AssemblySource_Fails_StageGetsTheMessage()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """{"stages": [{"name": "org.test.copy-source", "options": {"source": "org.test.assembly-source", "checksums": ["bad:x"]}}]}""");

        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", s_pluginRoot.Value, "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), "--json", manifest]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("sources.get failed: org.test.assembly-source: cannot fetch bad:x", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The source reports through <c>SourceReporter</c> (Engine.Protocol.Sdk) from inside
    /// osbuild-assembly-source: its progress becomes the asking stage's, named by the source, and
    /// its log line the stage's log (docs/monitor.md).
    /// </summary>
    [Fact]
    public void AssemblySource_ReportsProgressAndLog_MonitorShowsThemForTheStage()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """{"stages": [{"name": "org.test.copy-source", "options": {"source": "org.test.assembly-source", "checksums": ["one", "two"]}}]}""");
        string events = Path.Combine(scratch.Root, "events.seq");
        string command = $"exec \"$0\" --store '{scratch.Store}' --plugin-path '{s_pluginRoot.Value}' --plugin-path '{Path.Combine(Osbuild.Fixtures, "plugins")}' "
            + $"--monitor JSONSeqMonitor --monitor-fd 3 '{manifest}' 3>'{events}'";

        Osbuild.Result run = Osbuild.Run(["-c", command, Osbuild.Binary], binary: "/bin/sh");

        Assert.True(run.ExitCode == 0, run.ToString());
        var records = File.ReadAllText(events).Split('\x1e', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => (JValue.Object)JsonTextParser.Parse(r, "monitor record"))
            .ToList();
        string Text(JValue.Object record, string member) => record[member] is JValue.String text ? text.Value : "";
        var progress = records.Where(r => Text(r, "type") == "stage.progress" && Text(r, "source") == "org.test.assembly-source").ToList();
        Assert.Equal(["counted one", "counted two"], progress.Select(r => Text(r, "message")));
        Assert.All(progress, r => Assert.Equal("org.test.copy-source", Text(r, "name")));
        Assert.Contains(records, r => Text(r, "type") == "stage.log" && Text(r, "message") == "counted 2 files");
    }

    private static string BuildFixture()
    {
        string root = Osbuild.FixtureBuildDirectory("assembly-source");
        string output = Path.Combine(root, "sources", "org.test.assembly-source");
        var start = new ProcessStartInfo("dotnet", ["build", Path.Combine(Osbuild.Fixtures, "assembly-source", "org.test.assembly-source.csproj"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process build = Process.Start(start)!;
        string log = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        Assert.True(build.ExitCode == 0, log);
        return root;
    }
}
