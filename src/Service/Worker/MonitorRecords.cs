using System.Text.Json;

namespace Engine.Service.Worker;

/// <summary>
/// osbuild's monitor stream on its standard error (<c>--monitor JSONSeqMonitor --monitor-fd 2</c>):
/// RFC 7464 records start with the RS byte; every other line is osbuild's own text (a warning, the
/// messages of a refused manifest). See docs/monitor.md.
/// </summary>
internal static class MonitorRecords
{
    private const char RecordSeparator = '\u001e';

    /// <summary>The record a line carries, or null for a line of text (and for a record that is not JSON).</summary>
    public static JsonElement? TryParse(string line)
    {
        if (line.Length == 0 || line[0] != RecordSeparator)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line.AsMemory(1));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(this JsonElement record, string name)
        => record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Number(this JsonElement record, string name)
        => record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? (long)value.GetDouble() : null;

    public static double? Real(this JsonElement record, string name)
        => record.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    public static bool? Boolean(this JsonElement record, string name)
        => record.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
