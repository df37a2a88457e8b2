using System.Text.RegularExpressions;
using Engine.Integration.Tests.Scaffolding;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// What the package installs besides the binaries, made by the built osbuild from its own command
/// definitions: --version (with the commit), the manual page (--man) and the bash completion script
/// (--bash-completion). The man page must say everything --help says, so the two cannot drift.
/// </summary>
public sealed class GeneratedDocsTests
{
    private static readonly string[] Commands = ["", "plugins", "plugins list", "plugins describe", "tree-diff", "new"];

    [Fact]
    public void Version_NamesTheVersionAndACommitOfThisRepository()
    {
        Osbuild.Result run = Osbuild.Run(["--version"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Match match = Regex.Match(run.Stdout, @"^osbuild (\d+\.\d+\.\d+) \(commit ([0-9a-f]{40}|unknown)(-dirty)?\)\n$");
        Assert.True(match.Success, run.Stdout);
        string props = File.ReadAllText(Path.Combine(Osbuild.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<Version>{match.Groups[1].Value}</Version>", props, StringComparison.Ordinal);
        ProcessRun.Result git = ProcessRun.Run("git", ["-C", Osbuild.RepoRoot, "cat-file", "-e", match.Groups[2].Value + "^{commit}"], TimeSpan.FromMinutes(1));
        Assert.SkipWhen(match.Groups[2].Value == "unknown", "out/bin/osbuild was built without git");
        Assert.True(git.ExitCode == 0, $"{match.Groups[2].Value} is not a commit of {Osbuild.RepoRoot}: {git}");
    }

    [Fact]
    public void ManPage_IsCleanRoff_AndHoldsEveryOptionAndCommandOfTheHelp()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/groff"), "groff is not installed (groff-base)");
        Osbuild.Result man = Osbuild.Run(["--man"]);
        Assert.True(man.ExitCode == 0, man.ToString());
        string page = Path.Combine(Directory.CreateTempSubdirectory("engine-man-").FullName, "osbuild.1");
        try
        {
            File.WriteAllText(page, man.Stdout);
            ProcessRun.Result text = ProcessRun.Run("groff", ["-man", "-Tutf8", "-ww", "-rLL=200n", page], TimeSpan.FromMinutes(1), e => e["GROFF_NO_SGR"] = "1");
            Assert.True(text.ExitCode == 0 && text.Stderr.Length == 0, text.ToString());
            string rendered = Regex.Replace(text.Stdout, ".\b", "").Replace('\u2010', '-').Replace('\u2212', '-');
            foreach (string command in Commands)
            {
                Osbuild.Result help = Osbuild.Run([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
                foreach (Match option in Regex.Matches(help.Stdout, @"(?m)^  (-[^ ].*?)  "))
                {
                    Assert.Contains(option.Groups[1].Value.Trim(), rendered, StringComparison.Ordinal);
                }

                Assert.Contains($"osbuild {command}".Trim(), rendered, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(page)!, recursive: true);
        }
    }

    [Fact]
    public void BashCompletion_IsValidBash_AndCompletesSubcommandsOptionsAndPluginNames()
    {
        Osbuild.Result script = Osbuild.Run(["--bash-completion"]);
        Assert.True(script.ExitCode == 0, script.ToString());
        string file = Path.Combine(Directory.CreateTempSubdirectory("engine-completion-").FullName, "osbuild");
        try
        {
            File.WriteAllText(file, script.Stdout);
            // COMP_WORDS[0] is the osbuild under test, as when a user completes out/bin/osbuild.
            string probe = $$"""
                source '{{file}}' || exit 1
                words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _osbuild; printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '; echo; }
                cd "$(dirname '{{file}}')"
                words '{{Osbuild.Binary}}' pl
                words '{{Osbuild.Binary}}' plugins ''
                words '{{Osbuild.Binary}}' plugins describe org.osbuild.ta
                words '{{Osbuild.Binary}}' --store /x --mon
                words '{{Osbuild.Binary}}' --monitor ''
                """;
            ProcessRun.Result run = ProcessRun.Run("bash", ["-c", probe], TimeSpan.FromMinutes(1));
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(["plugins ", "describe list ", "org.osbuild.tar ", "--monitor --monitor-fd ", "JSONSeqMonitor "], run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
