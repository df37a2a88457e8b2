using Engine.Protocol;
using Engine.Plugins.Builtin;

// The multi-call entry point: the plugin is chosen by the name this executable was started as,
// and by the kind folder it was started from (<root>/stages/org.osbuild.noop and
// <root>/assemblers/org.osbuild.noop are different plugins). `osbuild-builtin [KIND/]NAME` also
// works, for debugging, and `osbuild-builtin --list` lists every plugin as "kind<TAB>name".
string argv0 = Environment.GetCommandLineArgs()[0];
string invokedAs = Path.GetFileName(argv0);
string? kind = Path.GetFileName(Path.GetDirectoryName(argv0)) is string folder && PluginKind.All.Contains(folder) ? folder : null;
string[] rest = args;
if (invokedAs == "osbuild-builtin")
{
    if (args.Length == 0 || args[0] == "--list")
    {
        foreach (var ((entryKind, name), _) in BuiltinRegistry.Entries.OrderBy(e => e.Key.Kind, StringComparer.Ordinal).ThenBy(e => e.Key.Name, StringComparer.Ordinal))
        {
            Console.WriteLine($"{entryKind}\t{name}");
        }

        return args.Length == 0 ? 2 : 0;
    }

    invokedAs = args[0];
    kind = null;
    rest = args[1..];
}

var plugin = BuiltinRegistry.Resolve(kind, invokedAs, out string? problem);
if (plugin is null)
{
    Console.Error.WriteLine($"osbuild-builtin: {problem}; `osbuild-builtin --list` shows them");
    return 127;
}

return plugin(rest);
