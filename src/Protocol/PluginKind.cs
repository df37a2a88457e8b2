namespace Engine.Protocol;

/// <summary>The four kinds of plugin; each is a folder of the same name in every plugin root (docs/protocol.md §1).</summary>
public static class PluginKind
{
    /// <summary>Changes the tree.</summary>
    public const string Stage = "stages";

    /// <summary>Fetches content by checksum, on the host.</summary>
    public const string Source = "sources";

    /// <summary>Prepares the build root, then runs the plugin.</summary>
    public const string Runner = "runners";

    /// <summary>Turns the tree into an output.</summary>
    public const string Assembler = "assemblers";

    /// <summary>Every kind, in the order <c>osbuild plugins list</c> shows them.</summary>
    public static readonly IReadOnlyList<string> All = [Stage, Source, Runner, Assembler];

    /// <summary>"stage", "assembler", … for messages.</summary>
    public static string Singular(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return kind.TrimEnd('s');
    }
}
