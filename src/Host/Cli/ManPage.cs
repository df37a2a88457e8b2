using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;

namespace Engine.Host.Cli;

/// <summary>
/// The manual page osbuild(1) in roff, rendered from the same <see cref="CommandHelp.Document"/>s as
/// <c>--help</c>, so the two cannot drift apart: the hidden option <c>osbuild --man</c> prints it
/// (packaging/build-deb.sh installs its output as /usr/share/man/man1/osbuild.1.gz).
/// Only the sections --help has no room for (files, environment, exit status) are written here.
/// </summary>
internal static class ManPage
{
    public const string OptionName = "--man";

    /// <summary>A hidden root option that prints the page and stops.</summary>
    public static Option<bool> CreateOption(RootCommand root)
        => new(OptionName) { Hidden = true, Description = "print the manual page osbuild(1) in roff", Action = new PrintAction(root) };

    public static string Render(RootCommand root)
    {
        var page = new StringBuilder();
        page.Append(".TH OSBUILD 1 \"\" ").Append(Quoted($"osbuild {VersionInfo.Version}")).Append(" \"User Commands\"\n.nh\n");
        CommandHelp.Document main = CommandHelp.Describe(root);

        page.Append(".SH NAME\nosbuild \\- ").Append(Escape(FirstLowercase(main.Description ?? ""))).Append('\n');
        page.Append(".SH SYNOPSIS\n");
        foreach (string usage in main.Usage)
        {
            page.Append(".B ").Append(Escape(usage)).Append("\n.br\n");
        }

        page.Append(".SH DESCRIPTION\n").Append(Escape(main.Description ?? "")).Append('\n');
        Rows(page, ".SH ARGUMENTS", main.Arguments);
        Rows(page, ".SH OPTIONS", main.Options);

        page.Append(".SH COMMANDS\n");
        foreach (Command command in Descendants(root))
        {
            CommandHelp.Document help = CommandHelp.Describe(command);
            page.Append(".SS ").Append(Escape(help.Path)).Append('\n');
            page.Append(Escape(help.Description ?? "")).Append('\n');
            foreach (string usage in help.Usage)
            {
                page.Append(".PP\n.B ").Append(Escape(usage)).Append('\n');
            }

            Rows(page, ".PP\nArguments:", help.Arguments);
            Rows(page, ".PP\nOptions:", help.Options);
            Rows(page, ".PP\nCommands:", help.Commands);
        }

        page.Append("""
            .SH EXIT STATUS
            .TP
            0
            success
            .TP
            1
            a stage or the assembler failed, or a checkpoint was not found
            .TP
            2
            bad usage; an invalid manifest, sources, secrets, build environment or plugin options; a host tool a plugin needs is missing
            .TP
            130, 143
            interrupted by SIGINT or SIGTERM (every container, mount and loop device is released first)
            .SH ENVIRONMENT
            .TP
            .B OSBUILD_PLUGIN_PATH
            colon-separated plugin roots searched before the libdir, after those given with \-\-plugin\-path
            .SH FILES
            .TP
            .I /usr/lib/osbuild
            the default libdir of an installed osbuild: stages/, sources/, runners/, assemblers/, each plugin beside its NAME.meta.json
            .TP
            .I /usr/share/osbuild/templates
            the templates of \fBosbuild new\fR
            .TP
            .I .osbuild
            the object store of a build, unless \-\-store names another
            .SH SEE ALSO
            .BR bwrap (1)

            """);
        return page.ToString();
    }

    private static IEnumerable<Command> Descendants(Command command)
        => command.Subcommands.Where(c => !c.Hidden).SelectMany(c => Descendants(c).Prepend(c));

    private static void Rows(StringBuilder page, string heading, IReadOnlyList<CommandHelp.Row> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        page.Append(heading).Append('\n');
        foreach (CommandHelp.Row row in rows)
        {
            page.Append(".TP\n.B ").Append(Escape(row.Term)).Append('\n').Append(Escape(row.Description)).Append('\n');
        }
    }

    private static string FirstLowercase(string text)
        => text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.') : text.TrimEnd('.');

    /// <summary>Text safe on a roff line: backslashes and minus signs escaped, no line starting a request.</summary>
    internal static string Escape(string text)
    {
        string escaped = text.Replace("\\", "\\e", StringComparison.Ordinal).Replace("-", "\\-", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return escaped.StartsWith('.') || escaped.StartsWith('\'') ? "\\&" + escaped : escaped;
    }

    private static string Quoted(string text) => "\"" + Escape(text).Replace("\"", "\\(dq", StringComparison.Ordinal) + "\"";

    private sealed class PrintAction(RootCommand root) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            Console.Out.Write(Render(root));
            return ExitCodes.Success;
        }
    }
}
