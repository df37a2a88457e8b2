namespace Engine.Protocol;

/// <summary>The levels of a <see cref="MethodNames.Log"/> notification (docs/protocol.md §3.5).</summary>
public static class LogLevels
{
    /// <summary>Detail for whoever debugs the plugin.</summary>
    public const string Debug = "debug";

    /// <summary>A normal step worth showing.</summary>
    public const string Info = "info";

    /// <summary>Something the user should look at; the build goes on.</summary>
    public const string Warning = "warning";

    /// <summary>Why the plugin is about to fail.</summary>
    public const string Error = "error";

    /// <summary>Every level, in order of severity.</summary>
    public static IReadOnlyList<string> All { get; } = [Debug, Info, Warning, Error];

    /// <summary>The levels for a message: <c>debug, info, warning, error</c>.</summary>
    public static string Listed => string.Join(", ", All);

    /// <summary>True for one of <see cref="All"/> (case-sensitive, as on the wire).</summary>
    public static bool IsKnown(string? level) => level is not null && All.Contains(level, StringComparer.Ordinal);
}
