using Engine.Host.Plugins;
using Engine.Protocol;

namespace Engine.Host.Scaffolding;

/// <summary>The kinds `osbuild new` makes, by the singular names used on its command line and in template.json.</summary>
internal static class ScaffoldKinds
{
    public static readonly IReadOnlyList<string> Names = ["stage", "source", "runner", "assembler"];

    public static bool IsKnown(string kind) => Names.Contains(kind, StringComparer.Ordinal);

    /// <summary>The plugin root's folder for a kind: <c>stage</c> → <c>stages</c>.</summary>
    public static string Folder(string kind) => kind switch
    {
        "stage" => PluginKind.Stage,
        "source" => PluginKind.Source,
        "runner" => PluginKind.Runner,
        "assembler" => PluginKind.Assembler,
        _ => throw new ArgumentException($"unknown kind '{kind}' (known: {string.Join(", ", Names)})", nameof(kind)),
    };
}
