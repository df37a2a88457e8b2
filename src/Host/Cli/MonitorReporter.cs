using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Cli;

/// <summary>
/// <c>--monitor JSONSeqMonitor --monitor-fd N</c>: one JSON record per event of the build on file
/// descriptor N, for programs that drive osbuild (a build service). Records are an RFC 7464 JSON
/// text sequence, as osbuild's own JSONSeqMonitor writes them: each one is the byte 0x1E, a JSON
/// object, and a newline. docs/monitor.md lists every record and its members.
/// </summary>
internal sealed class MonitorReporter : IBuildReporter, IOutputSink, IDisposable
{
    /// <summary>The monitor's name on the command line, as osbuild spells it.</summary>
    public const string Name = "JSONSeqMonitor";

    private const byte RecordSeparator = 0x1E;
    private readonly Stream _output;
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;

    // Stages run one at a time: the output between a stage's start and its end is that stage's.
    // The decoder keeps a UTF-8 sequence split across two reads of the pipe for the next record.
    private Stage? _running;
    private readonly System.Text.Decoder _decoder = new System.Text.UTF8Encoding(false).GetDecoder();

    /// <param name="output">Where the records go; owned by the reporter.</param>
    public MonitorReporter(Stream output, TimeProvider? clock = null)
    {
        _output = output;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>A reporter on an inherited descriptor, which stays open for the caller.</summary>
    public static MonitorReporter OnDescriptor(int fd)
        => new(new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0));

    public void Started(Pipeline.Pipeline pipeline)
        => Write("build.started", w =>
        {
            w.WriteString("tree_id", pipeline.TreeId);
            w.WriteString("output_id", pipeline.OutputId);
            w.WriteNumber("stages", pipeline.SelfAndBuilds().Sum(p => p.Stages.Length + (p.Assembler is null ? 0 : 1)));
        });

    public void StageStarting(Stage stage, bool isAssembler, int position, int count)
    {
        lock (_lock)
        {
            _running = stage;
            _decoder.Reset();
        }

        Write("stage.started", w =>
        {
            Identify(w, stage);
            w.WriteString("kind", isAssembler ? "assembler" : "stage");
            w.WriteNumber("index", position);
            w.WriteNumber("count", count);
        });
    }

    /// <summary>The running plugin's output (stdout and stderr), as it comes: a <c>stage.output</c> record per read.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        Stage? stage;
        string text;
        lock (_lock)
        {
            stage = _running;
            char[] chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            int count = _decoder.GetChars(bytes, chars, flush: false);
            text = new string(chars, 0, count);
        }

        if (stage is not null && text.Length > 0)
        {
            Write("stage.output", w =>
            {
                Identify(w, stage);
                w.WriteString("text", text);
            });
        }
    }

    public void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _running = null;
        }

        Write("stage.finished", w =>
        {
            Identify(w, stage);
            w.WriteBoolean("success", success);
            if (exit.Exit.KilledBySignal)
            {
                w.WriteNumber("signal", exit.Exit.Signal);
            }
            else
            {
                w.WriteNumber("exit_code", exit.Exit.Code);
            }

            w.WriteNumber("duration", Math.Round(elapsed.TotalSeconds, 3));
        });
    }

    public void Progress(Stage stage, ProgressNotification progress, string? source = null)
        => Write("stage.progress", w =>
        {
            Identify(w, stage);
            if (source is not null)
            {
                w.WriteString("source", source);
            }

            w.WriteNumber("current", progress.Current);
            w.WriteNumber("total", progress.Total);
            if (progress.Message is not null)
            {
                w.WriteString("message", progress.Message);
            }
        });

    public void Log(Stage stage, LogNotification log)
        => Write("stage.log", w =>
        {
            Identify(w, stage);
            w.WriteString("level", log.Level);
            w.WriteString("message", log.Message);
        });

    public void Warning(string message) => Message("warning", message);

    public void Note(string message) => Message("note", message);

    public void Error(string message) => Message("error", message);

    public void Finished(PipelineResult result, Pipeline.Pipeline pipeline)
        => Write("build.finished", w =>
        {
            w.WriteBoolean("success", result.Success);
            w.WritePropertyName("result");

            // The result object exactly as --json prints it (osbuild's keys in osbuild's order).
            w.WriteRawValue(result.ToJson(), skipInputValidation: true);
        });

    public void Dispose() => _output.Dispose();

    private void Message(string level, string message)
        => Write("message", w =>
        {
            w.WriteString("level", level);
            w.WriteString("message", message);
        });

    private static void Identify(Utf8JsonWriter writer, Stage stage)
    {
        writer.WriteString("name", stage.Name);
        writer.WriteString("id", stage.Id);
    }

    private void Write(string type, Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte(RecordSeparator);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteNumber("timestamp", Math.Round(_clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, 3));
            members(writer);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_lock)
        {
            try
            {
                _output.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
            catch (IOException)
            {
                // The reader went away (EPIPE): monitoring is for the caller, the build goes on.
            }
        }
    }
}
