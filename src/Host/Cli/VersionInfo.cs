using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Engine.Host.Cli;

/// <summary>
/// <c>osbuild --version</c>: the version (the <c>Version</c> property of Directory.Build.props, the
/// only place it is written) and the commit the binary was built from. build.sh passes the commit as
/// <c>SourceRevisionId</c>, which the SDK appends to the informational version after a '+' (with
/// "-dirty" when tracked files differed from it); a build without git (or without build.sh) says "unknown".
/// </summary>
internal static class VersionInfo
{
    public const string UnknownCommit = "unknown";

    /// <summary>The version alone, e.g. <c>0.1.0</c> (what packages are named after).</summary>
    public static string Version => Split().Version;

    /// <summary>The full commit id, or <see cref="UnknownCommit"/>.</summary>
    public static string Commit => Split().Commit;

    /// <summary>What --version prints: <c>osbuild 0.1.0 (commit 0123abc…)</c>.</summary>
    public static string Line => $"osbuild {Version} (commit {Commit})";

    /// <summary>Makes the root command's <c>--version</c> print <see cref="Line"/>.</summary>
    public static void Install(RootCommand root)
    {
        VersionOption version = root.Options.OfType<VersionOption>().Single();
        version.Action = new PrintVersionAction();
    }

    private static (string Version, string Commit) Split()
    {
        string informational = typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return (informational, UnknownCommit);
        }

        string commit = informational[(plus + 1)..];
        return (informational[..plus], commit.Length == 0 ? UnknownCommit : commit);
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            Console.Out.WriteLine(Line);
            return ExitCodes.Success;
        }
    }
}
