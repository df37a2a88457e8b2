namespace Engine.Plugins.Stages.Debs;

/// <summary>libeatmydata in the build root: turns fsync and friends into no-ops for dpkg and package scripts.</summary>
internal static class EatMyData
{
    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libeatmydata.so",
        "/usr/lib/aarch64-linux-gnu/libeatmydata.so",
        "/usr/lib/libeatmydata.so",
    ];

    /// <summary>The library's path, or null when the build root has no eatmydata (the build is then only slower).</summary>
    public static string? Library() => Candidates.FirstOrDefault(File.Exists);
}
