using System.Text.Json.Nodes;
using Engine.Protocol;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// The table of the multi-call executable: plugin name → entry point. Every plugin adds itself
/// from a module initializer in its own folder, so adding a plugin touches no shared file.
/// </summary>
internal static class BuiltinRegistry
{
    private static readonly Dictionary<string, (string Kind, Func<string[], int> Main)> s_entries = new(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, (string Kind, Func<string[], int> Main)> Entries => s_entries;

    /// <summary>Registers a stage: it reads the osbuild arguments from stdin.</summary>
    public static void AddStage(string name, Func<PluginContext, CancellationToken, Task> body)
        => s_entries.Add(name, ("stages", _ => PluginRunner.Run(name, body)));

    /// <summary>Registers an assembler: like a stage, plus an output directory.</summary>
    public static void AddAssembler(string name, Func<PluginContext, CancellationToken, Task> body)
        => s_entries.Add(name, ("assemblers", _ => PluginRunner.Run(name, body)));

    /// <summary>Registers a runner: argv[1] is the plugin to exec.</summary>
    public static void AddRunner(string name, Func<string[], int> main)
        => s_entries.Add(name, ("runners", main));

    /// <summary>Registers a source program: osbuild's stdin/stdout contract, run on the host.</summary>
    public static void AddSource(string name, Func<SourceArguments, CancellationToken, Task<JsonNode>> body)
        => s_entries.Add(name, ("sources", _ => SourceProgram.Run(name, body)));
}
