namespace Engine.Service.Builds;

/// <summary>
/// Build ids are UUIDs in their 36-character form. Every route checks an id with <see cref="IsWellFormed"/>
/// before it becomes part of a path, so no id can name a file outside the build's directory.
/// </summary>
internal static class BuildIds
{
    public static string New() => Guid.NewGuid().ToString("D");

    public static bool IsWellFormed(string id) => Guid.TryParseExact(id, "D", out Guid parsed) && parsed.ToString("D") == id;
}
