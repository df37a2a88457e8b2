using System.Text;
using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// docs/monitor.md: <c>--monitor JSONSeqMonitor --monitor-fd N</c> writes one RFC 7464 record per
/// event on descriptor N, and <c>--check</c> stops after the checks a build makes before running.
/// </summary>
public sealed class MonitorTests
{
    private static string FixturePlugins => Path.Combine(Osbuild.Fixtures, "plugins");

    /// <summary>Runs osbuild through sh so that fd 3 is a file, and returns the records written there.</summary>
    private static (Osbuild.Result Run, List<JValue.Object> Records, string Raw) BuildWithMonitor(TempStore scratch, string manifestJson)
    {
        string manifest = scratch.File("manifest.json", manifestJson);
        string events = Path.Combine(scratch.Root, "events.seq");
        string command = $"exec \"$0\" --store '{scratch.Store}' --plugin-path '{FixturePlugins}' --json --monitor JSONSeqMonitor --monitor-fd 3 '{manifest}' 3>'{events}'";
        Osbuild.Result run = Osbuild.Run(["-c", command, Osbuild.Binary], binary: "/bin/sh");
        string raw = File.Exists(events) ? File.ReadAllText(events, Encoding.UTF8) : "";
        var records = raw.Split('\x1e', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => (JValue.Object)JsonTextParser.Parse(r, "monitor record"))
            .ToList();
        return (run, records, raw);
    }

    private static string Type(JValue.Object record) => ((JValue.String)record["type"]!).Value;

    private static string Name(JValue.Object record) => record["name"] is JValue.String name ? name.Value : "";

    /// <summary>A JSON number as written by the monitor: whole values have no fraction.</summary>
    private static double Number(JValue? value) => value switch
    {
        JValue.Float f => f.Value,
        JValue.Integer i => (double)i.Value,
        _ => throw new InvalidOperationException($"not a number: {value}"),
    };

    [Fact]
    public void Build_WritesEveryEventInOrder_AndTheResult()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();

        var (run, records, raw) = BuildWithMonitor(scratch, """{"stages": [{"name": "org.test.python-rpc", "options": {"greeting": "hi"}}, {"name": "org.test.log-lines"}], "assembler": {"name": "org.osbuild.noop"}}""");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(raw.Split('\x1e', StringSplitOptions.RemoveEmptyEntries), r => Assert.EndsWith("}\n", r, StringComparison.Ordinal));
        List<string> types = records.Select(Type).ToList();
        Assert.Equal("build.started", types[0]);
        Assert.Equal("build.finished", types[^1]);
        Assert.Equal(3, types.Count(t => t == "stage.started"));
        Assert.Equal(3, types.Count(t => t == "stage.finished"));
        Assert.Contains("stage.progress", types);
        Assert.Contains("stage.log", types);

        var first = records.First(r => Type(r) == "stage.started");
        Assert.Equal("org.test.python-rpc", ((JValue.String)first["name"]!).Value);
        Assert.Equal(new JValue.Integer(0), first["index"]);
        Assert.Equal(new JValue.Integer(2), first["count"]);
        var progress = records.First(r => Type(r) == "stage.progress");
        Assert.Equal(new JValue.Integer(3), progress["total"]);
        var finished = records.First(r => Type(r) == "stage.finished");
        Assert.Equal(JValue.Bool.True, finished["success"]);
        Assert.Equal(new JValue.Integer(0), finished["exit_code"]);
        Assert.InRange(Number(finished["duration"]), 0, 600);

        // The plugin's own output arrives live, inside its stage's started/finished pair, even with --json.
        int started = records.FindIndex(r => Type(r) == "stage.started" && Name(r) == "org.test.log-lines");
        int ended = records.FindIndex(r => Type(r) == "stage.finished" && Name(r) == "org.test.log-lines");
        string live = string.Concat(records.Where(r => Type(r) == "stage.output" && Name(r) == "org.test.log-lines").Select(r => ((JValue.String)r["text"]!).Value));
        Assert.Equal("a plain stdout line\n", live);
        Assert.All(records.Select((r, i) => (r, i)).Where(p => Type(p.r) == "stage.output" && Name(p.r) == "org.test.log-lines"), p => Assert.InRange(p.i, started, ended));

        // The last record carries the same result object that --json printed on stdout.
        var last = records[^1];
        Assert.Equal(run.Stdout.TrimEnd('\n'), PythonJson.Compact(last["result"]!));
        Assert.True(records.Zip(records.Skip(1)).All(p => Number(p.First["timestamp"]) <= Number(p.Second["timestamp"])), "timestamps must not go back");
    }

    [Fact]
    public void FailingStage_FinishedRecordSaysHow()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();

        var (run, records, _) = BuildWithMonitor(scratch, """{"stages": [{"name": "org.test.exit-with", "options": {"status": 7}}]}""");

        Assert.Equal(1, run.ExitCode);
        var finished = records.Single(r => Type(r) == "stage.finished");
        Assert.Equal(JValue.Bool.False, finished["success"]);
        Assert.Equal(new JValue.Integer(7), finished["exit_code"]);
        Assert.Equal(JValue.Bool.False, records[^1]["success"]);
    }

    [Fact]
    public void MonitorFdNotOpen_RefusedWithExit2()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """{"stages": [{"name": "org.osbuild.noop"}]}""");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--monitor", "JSONSeqMonitor", "--monitor-fd", "9", manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--monitor-fd 9 is not an open file descriptor", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GoodManifest_Exit0_BadOne_Exit2WithEveryProblem()
    {
        using var scratch = new TempStore();
        string good = scratch.File("good.json", """{"stages": [{"name": "org.osbuild.hostname", "options": {"hostname": "a"}}]}""");
        string bad = scratch.File("bad.json", """{"stages": [{"name": "org.osbuild.hostname", "options": {"hostnam": "a"}}, {"name": "org.osbuild.nope"}]}""");

        Osbuild.Result ok = Osbuild.Run(["--store", scratch.Store, "--check", good]);
        Osbuild.Result refused = Osbuild.Run(["--store", scratch.Store, "--check", bad]);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("no problems found", ok.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("unknown option \"hostnam\"", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("no stage named 'org.osbuild.nope'", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Store), "a check builds nothing");
    }
}
