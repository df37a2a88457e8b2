using Engine.Plugins.Common;

// The multi-call entry point: the plugin is chosen by the name this executable was started as.
// `osbuild-builtin NAME` also works, for debugging and for `osbuild-builtin --list`.
string invokedAs = Path.GetFileName(Environment.GetCommandLineArgs()[0]);
string[] rest = args;
if (invokedAs == "osbuild-builtin")
{
    if (args.Length == 0 || args[0] == "--list")
    {
        foreach (var (name, entry) in BuiltinRegistry.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"{entry.Kind}\t{name}");
        }

        return args.Length == 0 ? 2 : 0;
    }

    invokedAs = args[0];
    rest = args[1..];
}

if (!BuiltinRegistry.Entries.TryGetValue(invokedAs, out var plugin))
{
    Console.Error.WriteLine($"osbuild-builtin: no built-in plugin is called '{invokedAs}'; `osbuild-builtin --list` shows them");
    return 127;
}

return plugin.Main(rest);
