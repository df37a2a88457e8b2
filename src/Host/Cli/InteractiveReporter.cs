using System.Globalization;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Protocol;

namespace Engine.Host.Cli;

/// <summary>
/// osbuild's interactive output on stdout (stage headers, live logs, the ids
/// at the end), plus our additions on stderr: which stage of how many is running, how long it took,
/// and the plugins' progress (a redrawn bar on a terminal, plain lines otherwise).
/// </summary>
internal sealed class InteractiveReporter(TextWriter stdout, TextWriter stderr, bool stderrIsTerminal) : IBuildReporter
{
    private const string Bold = "\x1b[0m\x1b[1m";
    private const string Reset = "\x1b[0m";
    private readonly Lock _lock = new();
    private int _lastPercent = -1;
    private bool _progressLineOpen;

    public void StageStarting(Stage stage, bool isAssembler, int position, int count)
    {
        lock (_lock)
        {
            string title = isAssembler ? $"Assembler {stage.Name}" : stage.Name;
            stdout.Write($"\n{Bold}{title}: {stage.Id}{Reset} {PythonJson.Indented(stage.Options)}\n\n");
            stdout.Flush();
            stderr.WriteLine(isAssembler ? $"[assembler] {stage.Name} running" : $"[stage {position + 1}/{count}] {stage.Name} running");
            _lastPercent = -1;
        }
    }

    public void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed)
    {
        lock (_lock)
        {
            CloseProgressLine();
            string status = exit.Describe();
            stderr.WriteLine($"[{(success ? "done" : "FAILED")}] {stage.Name} in {elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s{(status.Length > 0 ? " " + status : "")}");
        }
    }

    public void Progress(Stage stage, ProgressNotification progress, string? source = null)
    {
        lock (_lock)
        {
            int percent = progress.Total > 0 ? (int)Math.Clamp(progress.Current * 100 / progress.Total, 0, 100) : -1;
            string message = progress.Message ?? "";
            if (stderrIsTerminal)
            {
                const int width = 30;
                string bar = percent >= 0 ? new string('#', percent * width / 100).PadRight(width, '.') : new string('?', width);
                stderr.Write($"\r\x1b[2K  {stage.Name} [{bar}] {(percent >= 0 ? percent + "%" : progress.Current.ToString(CultureInfo.InvariantCulture))} {message}");
                _progressLineOpen = true;
            }
            else if (percent < 0 || _lastPercent < 0 || percent / 10 != _lastPercent / 10 || percent == 100)
            {
                stderr.WriteLine($"  {stage.Name}: {progress.Current}/{progress.Total} {message}".TrimEnd());
            }

            _lastPercent = percent;
        }
    }

    public void Log(Stage stage, LogNotification log)
    {
        lock (_lock)
        {
            CloseProgressLine();
            stderr.WriteLine($"  {stage.Name} [{log.Level}] {log.Message}");
        }
    }

    public void Warning(string message)
    {
        lock (_lock)
        {
            CloseProgressLine();
            stderr.WriteLine($"warning: {message}");
        }
    }

    public void Error(string message)
    {
        lock (_lock)
        {
            CloseProgressLine();
            stderr.WriteLine($"error: {message}");
        }
    }

    public void Note(string message)
    {
        lock (_lock)
        {
            CloseProgressLine();
            stderr.WriteLine($"note: {message}");
        }
    }

    public void Finished(PipelineResult result, Pipeline.Pipeline pipeline)
    {
        lock (_lock)
        {
            CloseProgressLine();
            if (result.Success)
            {
                stdout.Write($"tree id: {pipeline.TreeId ?? "None"}\noutput id: {pipeline.OutputId ?? "None"}\n");
            }
            else
            {
                stdout.Write($"\n{Bold}\x1b[31mFailed{Reset}\n");
            }

            stdout.Flush();
        }
    }

    private void CloseProgressLine()
    {
        if (_progressLineOpen)
        {
            stderr.Write("\r\x1b[2K");
            _progressLineOpen = false;
        }
    }
}

/// <summary>--json mode: stdout carries only the result object, printed at the end; warnings and log lines go to stderr.</summary>
internal sealed class SilentReporter(TextWriter stderr) : IBuildReporter
{
    public void StageStarting(Stage stage, bool isAssembler, int position, int count)
    {
    }

    public void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed)
    {
    }

    public void Progress(Stage stage, ProgressNotification progress, string? source = null)
    {
    }

    /// <summary>Log lines are for the user in every mode (docs/protocol.md §3.5): stderr, live.</summary>
    public void Log(Stage stage, LogNotification log) => stderr.WriteLine($"  {stage.Name} [{log.Level}] {log.Message}");

    public void Warning(string message) => stderr.WriteLine($"warning: {message}");

    public void Error(string message) => stderr.WriteLine($"error: {message}");

    public void Note(string message) => stderr.WriteLine($"note: {message}");

    public void Finished(PipelineResult result, Pipeline.Pipeline pipeline)
    {
    }
}
