namespace Engine.Host.Json;

/// <summary>
/// A JSON document could not be read: names the file, the position, the JSON path of the value
/// being read and what was expected there.
/// </summary>
public sealed class JsonInputException(string source, int line, int column, string path, string problem)
    : Exception($"{source}:{line}:{column}: {problem} (at {path})")
{
    public string FileName { get; } = source;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public string JsonPath { get; } = path;

    public string Problem { get; } = problem;
}
