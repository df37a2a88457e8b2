using System.Text.Json;
using Engine.Service.Api.Contracts;
using Engine.Service.Worker;

namespace Engine.Service.Tests.Unit;

/// <summary>Monitor records as docs/monitor.md describes them, turned into progress and log lines.</summary>
public sealed class ProgressTrackerTests
{
    private const char RS = '\u001e';

    [Fact]
    public void SourceProgress_OtherThanFiles_ShowsItsMessageButCountsNoBytes()
    {
        var tracker = new ProgressTracker();
        string[] lines =
        [
            RS + """{"type":"build.started","timestamp":1764662400.125,"tree_id":"t","output_id":"o","stages":1}""",
            RS + """{"type":"stage.started","timestamp":1764662400.13,"name":"org.osbuild.copy","id":"a","kind":"stage","index":0,"count":1}""",
            RS + """{"type":"stage.progress","timestamp":1764662400.4,"name":"org.osbuild.copy","id":"a","current":2048,"total":4096,"message":"org.osbuild.files: 1/1 files","source":"org.osbuild.files"}""",
            RS + """{"type":"stage.progress","timestamp":1764662400.5,"name":"org.osbuild.copy","id":"a","current":3,"total":5,"message":"org.example.count: 3/5 items","source":"org.example.count"}""",
        ];

        ProgressTracker.Change[] changes = [.. lines.Select(l => tracker.Apply(MonitorRecords.TryParse(l)!.Value))];

        BuildProgress progress = tracker.Snapshot;
        Assert.Equal(2048, progress.BytesDownloaded);
        Assert.Equal(new CurrentStage("org.osbuild.copy", "stage", 0, 1, 0, 0), progress.Stage);
        Assert.Equal("org.example.count: 3/5 items", progress.Message);
        Assert.EndsWith("org.osbuild.copy: org.example.count: 3/5 items", changes[3].LogLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_OfATwoStageBuild_GiveStageIOfNAndDownloadedBytes()
    {
        var tracker = new ProgressTracker();
        string[] lines =
        [
            RS + """{"type":"build.started","timestamp":1764662400.125,"tree_id":"t","output_id":"o","stages":3}""",
            RS + """{"type":"stage.started","timestamp":1764662400.13,"name":"org.osbuild.rpm","id":"a","kind":"stage","index":0,"count":2}""",
            RS + """{"type":"stage.progress","timestamp":1764662400.4,"name":"org.osbuild.rpm","id":"a","current":4096,"total":8192,"message":"org.osbuild.files: 1/2 files","source":"org.osbuild.files"}""",
            RS + """{"type":"stage.progress","timestamp":1764662400.5,"name":"org.osbuild.rpm","id":"a","current":1,"total":3,"message":"installing"}""",
            RS + """{"type":"stage.log","timestamp":1764662400.6,"name":"org.osbuild.rpm","id":"a","level":"info","message":"hello"}""",
            RS + """{"type":"stage.output","timestamp":1764662400.7,"name":"org.osbuild.rpm","id":"a","text":"Preparing...\nInstalling bash\n"}""",
        ];

        ProgressTracker.Change[] changes = [.. lines.Select(l => tracker.Apply(MonitorRecords.TryParse(l)!.Value))];

        BuildProgress progress = tracker.Snapshot;
        Assert.Equal(3, progress.StagesTotal);
        Assert.Equal(0, progress.StagesDone);
        Assert.Equal(new CurrentStage("org.osbuild.rpm", "stage", 0, 2, 1, 3), progress.Stage);
        Assert.Equal(4096, progress.BytesDownloaded);
        Assert.Equal("installing", progress.Message);
        Assert.True(changes[1].Urgent);
        Assert.EndsWith("stage org.osbuild.rpm started (1 of 2)", changes[1].LogLine, StringComparison.Ordinal);
        Assert.EndsWith("org.osbuild.rpm: info: hello", changes[4].LogLine, StringComparison.Ordinal);
        Assert.Equal("Preparing...\nInstalling bash", changes[5].LogLine);
        Assert.True(tracker.SawLiveOutput);

        tracker.Apply(MonitorRecords.TryParse(RS + """{"type":"stage.finished","timestamp":1764662401,"name":"org.osbuild.rpm","id":"a","success":false,"signal":15,"duration":0.6}""")!.Value);
        Assert.Equal(1, tracker.Snapshot.StagesDone);
        Assert.Null(tracker.Snapshot.Stage);
    }

    [Theory]
    [InlineData("warning: a plain line")]
    [InlineData("")]
    [InlineData("\u001enot json")]
    [InlineData("\u001e[1,2]")]
    public void TryParse_TextOrBrokenRecord_IsNotARecord(string line)
        => Assert.Null(MonitorRecords.TryParse(line));

    [Fact]
    public void FailedStage_OfAResult_IsTheFirstFailureWithItsOutput()
    {
        using JsonDocument result = JsonDocument.Parse("""
            {"stages": [{"name": "org.osbuild.noop", "success": true, "output": "fine\n"},
                        {"name": "org.osbuild.error", "success": false, "output": "Error stage will now return error: 3\n"}],
             "success": false}
            """);

        Assert.Equal(("org.osbuild.error", "Error stage will now return error: 3\n"), ProgressTracker.FailedStage(result.RootElement));
        Assert.Equal(["--- output of org.osbuild.noop ---", "fine", "--- output of org.osbuild.error ---", "Error stage will now return error: 3"], ProgressTracker.StageOutputs(result.RootElement));
        Assert.StartsWith("stage org.osbuild.error failed", BuildExecutor.Describe(1, result.RootElement, []), StringComparison.Ordinal);
        Assert.Contains("error: stdin: $.stages", BuildExecutor.Describe(2, null, ["error: stdin: $.stages[0]: bad"]), StringComparison.Ordinal);
    }
}
