using Engine.Host.Cli;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Native;
using Engine.Protocol;

namespace Engine.Host.Tests.Cli;

/// <summary>
/// How <see cref="InteractiveReporter"/> shows the progress a source reports while a stage waits for
/// its files: the host passes the source's notifications on as the stage's own (RunServices), so
/// the byte counts of org.osbuild.files draw the stage's bar on a terminal and plain lines otherwise.
/// </summary>
public sealed class InteractiveReporterTests
{
    private const long Total = 6 << 20;

    private static readonly Stage s_stage = new("org.osbuild.copy", JValue.Object.Empty, new string('a', 64), "pipeline.stages[0]");

    [Fact]
    public void Progress_SourceBytesOnTerminal_RedrawsTheStagesBarThenClearsItWhenTheStageEnds()
    {
        var stderr = new StringWriter();
        var reporter = new InteractiveReporter(TextWriter.Null, stderr, stderrIsTerminal: true);

        reporter.Progress(s_stage, new ProgressNotification(Total / 2, Total, "org.osbuild.files: 0/1 files"));
        reporter.Progress(s_stage, new ProgressNotification(Total, Total, "org.osbuild.files: 1/1 files"));
        reporter.StageFinished(s_stage, success: true, new PluginExit(ProcessExit.Exited(0)), TimeSpan.FromSeconds(1));

        Assert.Equal(
            "\r\x1b[2K  org.osbuild.copy [###############...............] 50% org.osbuild.files: 0/1 files"
            + "\r\x1b[2K  org.osbuild.copy [##############################] 100% org.osbuild.files: 1/1 files"
            + "\r\x1b[2K[done] org.osbuild.copy in 1.00 s\n",
            stderr.ToString());
    }

    [Fact]
    public void Progress_SourceBytesWithoutTerminal_OneLinePerTenPercentStepAndTheEnd()
    {
        // Given what org.osbuild.files sends: nothing known yet, then bytes of the announced length
        var stderr = new StringWriter();
        var reporter = new InteractiveReporter(TextWriter.Null, stderr, stderrIsTerminal: false);

        // When
        reporter.Progress(s_stage, new ProgressNotification(0, 0, "org.osbuild.files: 0/1 files"));
        reporter.Progress(s_stage, new ProgressNotification(Total / 4, Total, "org.osbuild.files: 0/1 files"));
        reporter.Progress(s_stage, new ProgressNotification(Total / 2, Total, "org.osbuild.files: 0/1 files"));
        reporter.Progress(s_stage, new ProgressNotification((Total / 2) + 1024, Total, "org.osbuild.files: 0/1 files"));
        reporter.Progress(s_stage, new ProgressNotification(Total, Total, "org.osbuild.files: 1/1 files"));

        // Then: the 50%-and-a-bit report falls in the same step as 50% and is left out
        Assert.Equal(
            "  org.osbuild.copy: 0/0 org.osbuild.files: 0/1 files\n"
            + "  org.osbuild.copy: 1572864/6291456 org.osbuild.files: 0/1 files\n"
            + "  org.osbuild.copy: 3145728/6291456 org.osbuild.files: 0/1 files\n"
            + "  org.osbuild.copy: 6291456/6291456 org.osbuild.files: 1/1 files\n",
            stderr.ToString());
    }
}
