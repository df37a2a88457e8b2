using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Protocol;

namespace Engine.Host.Cli;

/// <summary>Passes every event to each reporter in turn: the display the user sees and the monitor a program reads.</summary>
internal sealed class ReporterGroup(IReadOnlyList<IBuildReporter> reporters) : IBuildReporter
{
    public void Started(Pipeline.Pipeline pipeline) => Each(r => r.Started(pipeline));

    public void StageStarting(Stage stage, bool isAssembler, int position, int count) => Each(r => r.StageStarting(stage, isAssembler, position, count));

    public void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed) => Each(r => r.StageFinished(stage, success, exit, elapsed));

    public void Progress(Stage stage, ProgressNotification progress, string? source = null) => Each(r => r.Progress(stage, progress, source));

    public void Log(Stage stage, LogNotification log) => Each(r => r.Log(stage, log));

    public void Warning(string message) => Each(r => r.Warning(message));

    public void Note(string message) => Each(r => r.Note(message));

    public void Error(string message) => Each(r => r.Error(message));

    public void Finished(PipelineResult result, Pipeline.Pipeline pipeline) => Each(r => r.Finished(result, pipeline));

    private void Each(Action<IBuildReporter> action)
    {
        foreach (IBuildReporter reporter in reporters)
        {
            action(reporter);
        }
    }
}
