using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Protocol;

namespace Engine.Host.Pipeline;

/// <summary>What the user sees while a build runs: interactive text, or nothing in --json mode.</summary>
public interface IBuildReporter
{
    /// <summary>The build begins: everything was checked, the first container is about to start (or none is needed).</summary>
    void Started(Pipeline pipeline)
    {
    }

    /// <summary>A stage or the assembler is about to run.</summary>
    void StageStarting(Stage stage, bool isAssembler, int position, int count);

    /// <summary>It finished (successfully or not); <paramref name="exit"/> says how the plugin ended.</summary>
    void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed);

    /// <summary>Progress of <paramref name="stage"/>, or of <paramref name="source"/> fetching for it (bytes downloaded).</summary>
    void Progress(Stage stage, ProgressNotification progress, string? source = null);

    void Log(Stage stage, LogNotification log);

    /// <summary>A warning that does not stop the build (for example a plugin without a meta file).</summary>
    void Warning(string message);

    /// <summary>Something the user may want to act on, such as a cached tree made by an older plugin.</summary>
    void Note(string message);

    /// <summary>Why a stage failed beyond its exit status (a broken fd-3 channel, a timeout).</summary>
    void Error(string message);

    /// <summary>The build ended; <paramref name="result"/> is osbuild's result object.</summary>
    void Finished(PipelineResult result, Pipeline pipeline);
}
