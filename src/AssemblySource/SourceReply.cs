using System.Text.Json;

namespace Engine.AssemblySource;

/// <summary>What goes to stdout when the source fails: <c>{"error": "message"}</c>, as every source replies.</summary>
internal static class SourceReply
{
    public static void WriteError(string message)
    {
        using var writer = new Utf8JsonWriter(Console.OpenStandardOutput());
        writer.WriteStartObject();
        writer.WriteString("error", message);
        writer.WriteEndObject();
    }
}
