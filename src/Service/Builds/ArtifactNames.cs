namespace Engine.Service.Builds;

/// <summary>
/// An artifact's name is its path below the build's output directory: '/'-separated segments, none
/// empty, "." or "..", no NUL. Checked before a name becomes part of a path on the API's disk.
/// </summary>
internal static class ArtifactNames
{
    public static bool IsValid(string name)
        => name.Length is > 0 and <= 1024
            && !name.Contains('\0', StringComparison.Ordinal)
            && !name.Contains('\\', StringComparison.Ordinal)
            && name.Split('/').All(segment => segment.Length is > 0 and <= 255 && segment is not "." and not "..");
}
