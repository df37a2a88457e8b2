using System.CommandLine;
using Engine.Host.Diff;
using Engine.Host.Plugins;

namespace Engine.Host.Cli;

/// <summary>osbuild's flags with their meaning and defaults, plus our subcommands.</summary>
internal static class CommandLineDefinition
{
    public static RootCommand Create(out IReadOnlyCollection<string> longOptions)
    {
        var manifest = new Argument<string>("PIPELINE") { Description = "manifest file, or - to read it from standard input", Arity = ArgumentArity.ExactlyOne };
        var buildEnv = new Option<string?>("--build-env") { Description = "build environment file {\"runner\", \"pipeline\"} attached to the innermost pipeline", HelpName = "ENV" };
        var store = new Option<string>("--store") { Description = "object store directory", DefaultValueFactory = _ => ".osbuild", HelpName = "DIRECTORY" };
        var sources = new Option<string?>("--sources") { Description = "sources configuration file; replaces the manifest's \"sources\"", HelpName = "SOURCES" };
        var secrets = new Option<string?>("--secrets") { Description = "secrets for sources programs (never logged or stored)", HelpName = "SECRETS" };
        var libDir = LibDirOption();
        var checkpoint = new Option<string[]>("--checkpoint") { Description = "stage id whose tree is committed to the store when it runs (repeatable)", HelpName = "CHECKPOINT", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "print osbuild's result object as JSON instead of interactive output" };
        var pluginPath = PluginPathOption();
        var inspect = new Option<bool>("--inspect") { Description = "print the manifest's canonical description with every id, and build nothing (no root needed)" };
        var timeout = new Option<double?>("--timeout") { Description = "kill a stage or assembler that runs longer than this many seconds", HelpName = "SECONDS" };

        var root = new RootCommand("Build operating system images from pipeline manifests (osbuild-compatible).")
        {
            manifest, buildEnv, store, sources, secrets, libDir, checkpoint, json, pluginPath, inspect, timeout,
        };
        root.SetAction((result, cancellationToken) =>
        {
            var arguments = new BuildArguments(
                result.GetValue(manifest)!,
                Absolute(result.GetValue(buildEnv)),
                Path.GetFullPath(result.GetValue(store)!),
                result.GetValue(sources),
                result.GetValue(secrets),
                Absolute(result.GetValue(libDir)),
                result.GetValue(checkpoint) ?? [],
                result.GetValue(json),
                result.GetValue(pluginPath) ?? [],
                result.GetValue(inspect),
                result.GetValue(timeout) is double seconds ? TimeSpan.FromSeconds(seconds) : null);
            return new BuildCommand(Console.In, Console.Out, Console.Error).RunAsync(arguments, cancellationToken);
        });

        root.Subcommands.Add(PluginsCommandDefinition());
        root.Subcommands.Add(TreeDiffCommandDefinition());
        root.Subcommands.Add(NewCommand.Create());
        longOptions = root.Options.SelectMany(o => o.Aliases.Append(o.Name)).Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        return root;
    }

    private static Option<string?> LibDirOption()
    {
        var option = new Option<string?>("--libdir", "-l") { Description = "built-in plugin root (stages/, sources/, runners/, assemblers/)", HelpName = "DIRECTORY" };
        return option;
    }

    private static Option<string[]> PluginPathOption()
        => new("--plugin-path") { Description = "extra plugin root searched before the libdir (repeatable; also OSBUILD_PLUGIN_PATH)", HelpName = "DIRECTORY", AllowMultipleArgumentsPerToken = false };

    private static PluginCatalog Catalog(ParseResult result, Option<string[]> pluginPath, Option<string?> libDir)
        => new(PluginCatalog.SearchPath(
            result.GetValue(pluginPath) ?? [],
            Environment.GetEnvironmentVariable("OSBUILD_PLUGIN_PATH"),
            Absolute(result.GetValue(libDir)) ?? HostEnvironment.DefaultLibDir()));

    private static Command PluginsCommandDefinition()
    {
        var pluginPath = PluginPathOption();
        var libDir = LibDirOption();
        var list = new Command("list", "list every plugin on the search path: name, kind, root, summary") { pluginPath, libDir };
        list.SetAction(result => new PluginsCommand(Console.Out, Console.Error).List(Catalog(result, pluginPath, libDir)));

        var name = new Argument<string>("NAME") { Description = "reverse-DNS plugin name" };
        var json = new Option<bool>("--json") { Description = "print the raw meta file" };
        var describe = new Command("describe", "show a plugin's description and options") { name, json, pluginPath, libDir };
        describe.SetAction(result => new PluginsCommand(Console.Out, Console.Error).Describe(Catalog(result, pluginPath, libDir), result.GetValue(name)!, result.GetValue(json)));

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

    private static string? Absolute(string? path) => path is null || path == "-" ? path : Path.GetFullPath(path);
}
