namespace Engine.Host.Plugins;

/// <summary>The four kinds of plugin; each is a folder of the same name in every plugin root.</summary>
public static class PluginKind
{
    public const string Stage = "stages";
    public const string Source = "sources";
    public const string Runner = "runners";
    public const string Assembler = "assemblers";

    public static readonly IReadOnlyList<string> All = [Stage, Source, Runner, Assembler];

    /// <summary>"stage", "assembler", … for messages.</summary>
    public static string Singular(string kind) => kind.TrimEnd('s');
}
