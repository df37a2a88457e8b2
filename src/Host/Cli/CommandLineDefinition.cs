using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Engine.Host.Diff;
using Engine.Host.Plugins;

namespace Engine.Host.Cli;

/// <summary>
/// osbuild's flags with their meaning and defaults, plus our subcommands. The plugin search path
/// (<c>--plugin-path</c>, <c>--libdir</c>) is one pair of options shared by every command, so it
/// means the same before or after a subcommand's name; the build's own options are refused after
/// a subcommand that would ignore them (<see cref="MisplacedOptions"/>).
/// </summary>
internal static class CommandLineDefinition
{
    public static RootCommand Create(out IReadOnlyCollection<string> longOptions)
    {
        var manifest = new Argument<string>("PIPELINE") { Description = "manifest file, or - to read it from standard input", Arity = ArgumentArity.ExactlyOne };
        var buildEnv = new Option<string?>("--build-env") { Description = "build environment file {\"runner\", \"pipeline\"} attached to the innermost pipeline", HelpName = "ENV" };
        var store = new Option<string>("--store") { Description = "object store directory", DefaultValueFactory = _ => ".osbuild", HelpName = "DIRECTORY" };
        var sources = new Option<string?>("--sources") { Description = "sources configuration file; replaces the manifest's \"sources\"", HelpName = "SOURCES" };
        var secrets = new Option<string?>("--secrets") { Description = "secrets for sources programs (never logged or stored)", HelpName = "SECRETS" };
        var checkpoint = new Option<string[]>("--checkpoint") { Description = "stage id whose tree is committed to the store when it runs (repeatable)", HelpName = "CHECKPOINT", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "print osbuild's result object as JSON instead of interactive output" };
        var inspect = new Option<bool>("--inspect") { Description = "print the manifest's canonical description with every id, and build nothing (no root needed)" };
        var timeout = new Option<double?>("--timeout") { Description = "kill a stage or assembler that runs longer than this many seconds", HelpName = "SECONDS" };
        var noCache = new Option<bool>("--no-cache") { Description = "build every tree and output again instead of reusing the store's (the results are committed as usual)" };
        var check = new Option<bool>("--check") { Description = "check the manifest, its options against every plugin's schema, and the plugins, then stop (exit 0, or 2 with every problem); no root needed" };
        var monitor = new Option<string?>("--monitor") { Description = $"machine-readable events of the build: {MonitorReporter.Name} (JSON records, docs/monitor.md)", HelpName = "NAME" };
        monitor.AcceptOnlyFromAmong(MonitorReporter.Name);
        var monitorFd = new Option<int>("--monitor-fd") { Description = "file descriptor the monitor writes to", DefaultValueFactory = _ => 2, HelpName = "FD" };
        var search = new PluginSearchOptions();

        var root = new RootCommand("Build operating system images from pipeline manifests (osbuild-compatible).")
        {
            manifest, buildEnv, store, sources, secrets, search.LibDir, checkpoint, json, search.PluginPath, inspect, check, timeout, noCache, monitor, monitorFd,
        };
        root.SetAction((result, cancellationToken) =>
        {
            var arguments = new BuildArguments(
                result.GetValue(manifest)!,
                Absolute(result.GetValue(buildEnv)),
                Path.GetFullPath(result.GetValue(store)!),
                result.GetValue(sources),
                result.GetValue(secrets),
                Absolute(result.GetValue(search.LibDir)),
                result.GetValue(checkpoint) ?? [],
                result.GetValue(json),
                result.GetValue(search.PluginPath) ?? [],
                result.GetValue(inspect),
                result.GetValue(timeout) is double seconds ? TimeSpan.FromSeconds(seconds) : null,
                result.GetValue(noCache),
                result.GetValue(check),
                result.GetValue(monitor),
                result.GetValue(monitorFd));
            return new BuildCommand(Console.In, Console.Out, Console.Error).RunAsync(arguments, cancellationToken);
        });

        root.Subcommands.Add(PluginsCommandDefinition(search));
        root.Subcommands.Add(TreeDiffCommandDefinition());
        root.Subcommands.Add(NewCommand.Create(search));
        root.Subcommands.Add(DepsolveDebCommand.Create());
        CommandHelp.Install(root);
        VersionInfo.Install(root);
        root.Options.Add(ManPage.CreateOption(root));
        root.Options.Add(BashCompletion.CreateOption(root));
        longOptions = root.Subcommands.Prepend(root)
            .SelectMany(AllCommands)
            .SelectMany(c => c.Options)
            .Where(o => !o.Hidden) // --man, --bash-completion: typed in full by packaging, never abbreviated
            .SelectMany(o => o.Aliases.Append(o.Name))
            .Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .ToHashSet();
        return root;
    }

    /// <summary>
    /// The build's options given together with a subcommand, which would silently ignore them
    /// (<c>osbuild --store S plugins list</c>): one message per option, for exit status 2.
    /// </summary>
    public static IReadOnlyList<string> MisplacedOptions(ParseResult parsed)
    {
        Command command = parsed.CommandResult.Command;
        if (command is RootCommand)
        {
            return [];
        }

        var problems = new List<string>();
        for (SymbolResult? result = parsed.CommandResult; result is not null; result = result.Parent)
        {
            if (result is not CommandResult { Command: RootCommand root } rootResult)
            {
                continue;
            }

            // A word before the subcommand's name lands in the build's manifest argument.
            foreach (Argument argument in root.Arguments)
            {
                foreach (Token token in rootResult.GetResult(argument)?.Tokens ?? [])
                {
                    problems.Add(token.Value.StartsWith('-')
                        ? $"unknown option {token.Value}"
                        : $"unexpected '{token.Value}' before `{CommandHelp.Path(command)}`, which takes no manifest");
                }
            }

            foreach (Option option in root.Options.Where(o => !o.Recursive && o is not HelpOption && o.Name != "--version"))
            {
                if (rootResult.GetResult(option) is OptionResult { Implicit: false })
                {
                    problems.Add($"{option.Name} does not apply to `{CommandHelp.Path(command)}`; it is an option of a build (`osbuild [options] PIPELINE`)");
                }
            }
        }

        return problems;
    }

    private static IEnumerable<Command> AllCommands(Command command)
        => command.Subcommands.SelectMany(AllCommands).Prepend(command);

    private static Command PluginsCommandDefinition(PluginSearchOptions search)
    {
        var listJson = new Option<bool>("--json") { Description = "print a JSON array of {name, kind, root, builtin, executable, summary}" };
        var list = new Command("list", "list every plugin on the search path: name, kind, root, summary") { listJson };
        list.SetAction(result => new PluginsCommand(Console.Out, Console.Error).List(search.Catalog(result), search.LibDirOrDefault(result), result.GetValue(listJson)));

        var name = BashCompletion.TakesPluginName(new Argument<string>("NAME") { Description = "reverse-DNS plugin name" });
        var json = new Option<bool>("--json") { Description = "print the raw meta file" };
        var describe = new Command("describe", "show a plugin's description and options") { name, json };
        describe.SetAction(result => new PluginsCommand(Console.Out, Console.Error).Describe(search.Catalog(result), result.GetValue(name)!, result.GetValue(json)));

        return new Command("plugins", "inspect the installed plugins") { list, describe };
    }

    private static Command TreeDiffCommandDefinition()
    {
        var first = new Argument<string>("TREE1") { Description = "the tree before" };
        var second = new Argument<string>("TREE2") { Description = "the tree after" };
        var command = new Command("tree-diff", "print the JSON difference of two trees (osbuild's tree-diff format)") { first, second };
        command.SetAction(result =>
        {
            string before = result.GetValue(first)!;
            string after = result.GetValue(second)!;
            foreach (string directory in new[] { before, after })
            {
                if (!Directory.Exists(directory))
                {
                    Console.Error.WriteLine($"error: {directory} is not a directory");
                    return ExitCodes.InvalidInput;
                }
            }

            Console.Out.Write(TreeDiff.Render(TreeDiff.Compare(before, after)));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string? Absolute(string? path) => path is null || path == "-" ? path : Path.GetFullPath(path);
}

/// <summary>
/// Where plugins are looked up: <c>--plugin-path</c> roots (and <c>OSBUILD_PLUGIN_PATH</c>) before
/// the <c>--libdir</c>. Recursive options of the root command, so every subcommand sees the same
/// values wherever on the command line they stand.
/// </summary>
internal sealed class PluginSearchOptions
{
    public Option<string[]> PluginPath { get; } = new("--plugin-path")
    {
        Description = "extra plugin root searched before the libdir (repeatable; also OSBUILD_PLUGIN_PATH)",
        HelpName = "DIRECTORY",
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    public Option<string?> LibDir { get; } = new("--libdir", "-l")
    {
        Description = "built-in plugin root (stages/, sources/, runners/, assemblers/)",
        HelpName = "DIRECTORY",
        Recursive = true,
    };

    /// <summary>The libdir given, made absolute, or the installation's default.</summary>
    public string LibDirOrDefault(ParseResult result)
        => CommandLineDefinition.Absolute(result.GetValue(LibDir)) ?? HostEnvironment.DefaultLibDir();

    public PluginCatalog Catalog(ParseResult result)
        => new(PluginCatalog.SearchPath(
            result.GetValue(PluginPath) ?? [],
            Environment.GetEnvironmentVariable("OSBUILD_PLUGIN_PATH"),
            LibDirOrDefault(result)));
}
