using System.Globalization;
using System.Text.Json;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Worker;

/// <summary>
/// Turns osbuild's monitor records into the build's progress and into lines of its log: stage
/// started and finished, log and progress messages, warnings, and the plugins' own output
/// (<c>stage.output</c>, live although osbuild runs with <c>--json</c>). An engine whose monitor
/// has no <c>stage.output</c> records leaves the output to <see cref="StageOutputs"/>, from the
/// result when the build ends (<see cref="SawLiveOutput"/>).
/// </summary>
internal sealed class ProgressTracker
{
    /// <summary>The source whose progress is bytes downloaded (plugins/sources/org.osbuild.files).</summary>
    private const string BytesSource = "org.osbuild.files";

    private readonly Dictionary<string, long> _downloadedByStage = new(StringComparer.Ordinal);
    private int _total;
    private int _done;
    private CurrentStage? _stage;
    private string? _message;

    /// <summary>Whether any <c>stage.output</c> record came: then the log has the output already.</summary>
    public bool SawLiveOutput { get; private set; }

    public BuildProgress Snapshot => new(_total, _done, _stage, _downloadedByStage.Values.Sum(), _message);

    /// <summary>What one record changes.</summary>
    /// <param name="Urgent">A stage started or ended: worth telling the API at once, not at the next tick.</param>
    internal readonly record struct Change(bool Progress, bool Urgent, string? LogLine);

    public Change Apply(JsonElement record)
    {
        string time = record.Real("timestamp") is double seconds
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : "--:--:--.---";
        string name = record.String("name") ?? "?";
        switch (record.String("type"))
        {
            case "build.started":
                _total = (int)(record.Number("stages") ?? 0);
                return new Change(true, true, $"{time} build started: {_total} stages and assemblers");
            case "stage.started":
                _stage = new CurrentStage(name, record.String("kind") ?? "stage", (int)(record.Number("index") ?? 0), (int)(record.Number("count") ?? 0), 0, 0);
                _message = null;
                return new Change(true, true, $"{time} {_stage.Kind} {name} started ({_stage.Index + 1} of {_stage.Count})");
            case "stage.progress":
                return Progress(record, name, time);
            case "stage.output":
                SawLiveOutput = true;
                return new Change(false, false, record.String("text")?.TrimEnd('\n') is { Length: > 0 } text ? text : null);
            case "stage.log":
                return new Change(false, false, $"{time} {name}: {record.String("level")}: {record.String("message")}");
            case "stage.finished":
                _done++;
                _stage = null;
                string how = record.Number("signal") is long signal ? $"signal {signal}" : $"exit {record.Number("exit_code")}";
                string verdict = record.Boolean("success") == true ? "succeeded" : "failed";
                return new Change(true, true, $"{time} {name} {verdict} ({how}) in {record.Real("duration") ?? 0:0.###} s");
            case "message":
                return new Change(false, false, $"{time} {record.String("level")}: {record.String("message")}");
            case "build.finished":
                return new Change(false, true, $"{time} build {(record.Boolean("success") == true ? "succeeded" : "failed")}");
            default:
                return default;
        }
    }

    private Change Progress(JsonElement record, string name, string time)
    {
        long current = record.Number("current") ?? 0;
        long total = record.Number("total") ?? 0;
        string? message = record.String("message");
        // A source's progress comes as progress of the stage that asked for it, naming the source
        // in "source" (docs/monitor.md). Only org.osbuild.files counts bytes in "current"; other
        // sources count what they like (files, items), so only their message is shown.
        string? source = record.String("source");
        if (source == BytesSource)
        {
            _downloadedByStage[record.String("id") ?? name] = current;
        }
        else if (source is null && _stage is not null)
        {
            _stage = _stage with { Current = current, Total = total };
        }

        bool newMessage = message is not null && message != _message;
        _message = message ?? _message;
        return new Change(true, false, newMessage ? $"{time} {name}: {message}" : null);
    }

    /// <summary>The output of every stage and assembler in osbuild's result, for the end of the log.</summary>
    public static IEnumerable<string> StageOutputs(JsonElement result)
    {
        foreach (JsonElement node in StagesOf(result))
        {
            string? output = node.String("output");
            if (!string.IsNullOrEmpty(output))
            {
                yield return $"--- output of {node.String("name")} ---";
                yield return output.TrimEnd('\n');
            }
        }
    }

    /// <summary>The first stage (or assembler) the result marks as failed, with its output.</summary>
    public static (string Name, string Output)? FailedStage(JsonElement result)
        => StagesOf(result).Where(n => n.Boolean("success") == false).Select(n => ((string, string)?)(n.String("name") ?? "?", n.String("output") ?? "")).FirstOrDefault();

    private static IEnumerable<JsonElement> StagesOf(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        // A failure in a build pipeline shows as the result's "build" member, a result of its own.
        if (result.TryGetProperty("build", out JsonElement build))
        {
            foreach (JsonElement inner in StagesOf(build))
            {
                yield return inner;
            }
        }

        if (result.TryGetProperty("stages", out JsonElement stages) && stages.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement stage in stages.EnumerateArray())
            {
                yield return stage;
            }
        }

        if (result.TryGetProperty("assembler", out JsonElement assembler) && assembler.ValueKind == JsonValueKind.Object)
        {
            yield return assembler;
        }
    }
}
