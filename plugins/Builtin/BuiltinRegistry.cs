using System.Text.Json.Nodes;
using Engine.Protocol;

namespace Engine.Plugins.Builtin;

/// <summary>
/// The table of the multi-call executable: (kind, plugin name) → entry point. The kind is part of
/// the key because a stage and an assembler may share a name (org.osbuild.noop is both). Every
/// plugin adds itself from a module initializer in its own folder, so adding a plugin touches no
/// shared file.
/// </summary>
internal static class BuiltinRegistry
{
    private static readonly Dictionary<(string Kind, string Name), Func<string[], int>> s_entries = new();

    public static IReadOnlyDictionary<(string Kind, string Name), Func<string[], int>> Entries => s_entries;

    /// <summary>Registers a stage: it reads the osbuild arguments from stdin.</summary>
    public static void AddStage(string name, Func<PluginContext, CancellationToken, Task> body)
        => s_entries.Add((PluginKind.Stage, name), _ => PluginRunner.Run(name, body));

    /// <summary>Registers an assembler: like a stage, plus an output directory.</summary>
    public static void AddAssembler(string name, Func<PluginContext, CancellationToken, Task> body)
        => s_entries.Add((PluginKind.Assembler, name), _ => PluginRunner.Run(name, body));

    /// <summary>
    /// Registers a runner: <paramref name="prepare"/> readies the build root, then the plugin named by
    /// argv[1] runs. A built-in plugin is this very executable under another name, so it is called
    /// in process: starting it would start the same NativeAOT binary again (~6 ms of CPU, ~12 ms of
    /// wall time per stage).
    /// </summary>
    public static void AddRunner(string name, Action prepare)
        => s_entries.Add((PluginKind.Runner, name), args => RunnerProgram.Run(name, args, prepare, EntryInThisExecutable));

    /// <summary>Registers a source program: osbuild's stdin/stdout contract, run on the host.</summary>
    public static void AddSource(string name, Func<SourceArguments, CancellationToken, Task<JsonNode>> fetch)
        => s_entries.Add((PluginKind.Source, name), _ => SourceProgram.Run(name, fetch));

    /// <summary>
    /// The entry of <paramref name="pluginPath"/> when that path leads (through its
    /// <c>KIND/NAME → ../osbuild-builtin</c> link) to the executable running now, else null: then
    /// it is some other program, to be exec'ed.
    /// </summary>
    public static Func<string[], int>? EntryInThisExecutable(string pluginPath)
    {
        string? self = Environment.ProcessPath;
        FileSystemInfo? target = File.ResolveLinkTarget(pluginPath, returnFinalTarget: true);
        if (self is null || target is null || Path.GetFullPath(target.FullName) != self)
        {
            return null;
        }

        string? kind = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(pluginPath)));
        return kind is null ? null : Resolve(kind, Path.GetFileName(pluginPath), out _);
    }

    /// <summary>
    /// Finds the entry for a name as invoked: <c>KIND/NAME</c>, or a bare name that only one kind
    /// has. Null with a message when there is none or the name is ambiguous.
    /// </summary>
    public static Func<string[], int>? Resolve(string? kind, string name, out string? problem)
    {
        problem = null;
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            kind = name[..slash];
            name = name[(slash + 1)..];
        }

        if (kind is not null)
        {
            if (s_entries.TryGetValue((kind, name), out var entry))
            {
                return entry;
            }

            problem = $"no built-in {kind.TrimEnd('s')} is called '{name}'";
            return null;
        }

        var matches = s_entries.Where(e => e.Key.Name == name).ToList();
        if (matches.Count == 1)
        {
            return matches[0].Value;
        }

        problem = matches.Count == 0
            ? $"no built-in plugin is called '{name}'"
            : $"'{name}' is a built-in {string.Join(" and ", matches.Select(m => m.Key.Kind.TrimEnd('s')))}; say which with KIND/NAME, e.g. {matches[0].Key.Kind}/{name}";
        return null;
    }
}
