using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Engine.Host.Cli;

/// <summary>
/// The <c>--help</c> text of every command, made from the command definitions alone. System.CommandLine's
/// own layout repeats every parent's arguments in a subcommand's usage, which made
/// <c>osbuild plugins --help</c> ask for a manifest (<c>osbuild &lt;PIPELINE&gt; plugins</c>): a build
/// takes a manifest, a subcommand never does, so each command lists only its own arguments, its
/// own options and the options it shares with every command (the plugin search path).
/// </summary>
internal static class CommandHelp
{
    /// <summary>One row of a two-column section: what to type, what it does.</summary>
    public sealed record Row(string Term, string Description);

    /// <summary>Everything the help of one command says, for --help and any other rendering.</summary>
    public sealed record Document(
        string Path,
        string? Description,
        IReadOnlyList<string> Usage,
        IReadOnlyList<Row> Arguments,
        IReadOnlyList<Row> Options,
        IReadOnlyList<Row> Commands);

    /// <summary>Makes <c>-h</c>/<c>--help</c> of every command print <see cref="Describe"/>.</summary>
    public static void Install(RootCommand root)
    {
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        help.Action = new PrintHelpAction();
    }

    /// <summary>The words a user types to reach <paramref name="command"/>: <c>osbuild plugins list</c>.</summary>
    public static string Path(Command command)
    {
        var names = new List<string>();
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, current is RootCommand ? "osbuild" : current.Name);
        }

        return string.Join(' ', names);
    }

    public static Document Describe(Command command)
    {
        string path = Path(command);
        string arguments = string.Concat(command.Arguments.Where(a => !a.Hidden).Select(a => $" <{a.Name}>"));
        IReadOnlyList<string> usage = command switch
        {
            RootCommand => [$"{path} [options]{arguments}", $"{path} <command> [options]"],
            _ when command.Subcommands.Count > 0 => [$"{path} <command> [options]"],
            _ => [$"{path}{arguments} [options]"],
        };
        return new Document(
            path,
            command.Description,
            usage,
            [.. command.Arguments.Where(a => !a.Hidden).Select(a => new Row($"<{a.Name}>", a.Description ?? ""))],
            [.. VisibleOptions(command).Select(OptionRow)],
            [.. command.Subcommands.Where(c => !c.Hidden).Select(c => new Row(
                c.Name + string.Concat(c.Arguments.Where(a => !a.Hidden).Select(a => $" <{a.Name}>")), c.Description ?? ""))]);
    }

    public static void Write(Document help, TextWriter output)
    {
        if (!string.IsNullOrEmpty(help.Description))
        {
            output.WriteLine("Description:");
            output.WriteLine($"  {help.Description}");
            output.WriteLine();
        }

        output.WriteLine("Usage:");
        foreach (string line in help.Usage)
        {
            output.WriteLine($"  {line}");
        }

        WriteSection(output, "Arguments:", help.Arguments);
        WriteSection(output, "Options:", help.Options);
        WriteSection(output, "Commands:", help.Commands);
    }

    /// <summary>The command's own options, then those it shares with its parents (recursive ones), then help and version.</summary>
    internal static IEnumerable<Option> VisibleOptions(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden);
        var inherited = Ancestors(command).SelectMany(a => a.Options).Where(o => o.Recursive && !o.Hidden);
        var all = own.Concat(inherited).Distinct().ToList();
        return all.Where(o => !IsStandard(o)).Concat(all.Where(IsStandard));
    }

    private static bool IsStandard(Option option) => option is HelpOption || option.Name == "--version";

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (Command? parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    private static Row OptionRow(Option option)
    {
        // Short aliases first, as users read them: "-l, --libdir <DIRECTORY>"; no Windows-style "/h".
        var names = option.Aliases.Append(option.Name).Distinct()
            .Where(n => n.StartsWith('-'))
            .OrderBy(n => n.StartsWith("--", StringComparison.Ordinal)).ThenBy(n => n.Length);
        bool takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        string value = takesValue ? $" <{option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant()}>" : "";
        string description = option.Description ?? "";
        if (takesValue && option.HasDefaultValue && option.GetDefaultValue() is string text)
        {
            description += $" [default: {text}]";
        }

        return new Row(string.Join(", ", names) + value, description);
    }

    private static void WriteSection(TextWriter output, string title, IReadOnlyList<Row> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(title);
        int width = rows.Max(r => r.Term.Length) + 2;
        foreach (Row row in rows)
        {
            output.WriteLine($"  {row.Term.PadRight(width)}{row.Description}".TrimEnd());
        }
    }

    private sealed class PrintHelpAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            Write(Describe(parseResult.CommandResult.Command), Console.Out);
            Console.Out.WriteLine();
            return ExitCodes.Success;
        }
    }
}
