using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// The command line as users type it: the plugin search path means the same before or after a
/// subcommand's name, subcommands never ask for a manifest, and options that a subcommand would
/// ignore are refused instead.
/// </summary>
public sealed class CommandLineTests
{
    private static string FixturePlugins => Path.Combine(Osbuild.Fixtures, "plugins");

    [Theory]
    [InlineData("before")]
    [InlineData("after")]
    public void PluginPath_BeforeOrAfterSubcommand_FindsThePlugin(string where)
    {
        string[] describe = where == "before"
            ? ["--plugin-path", FixturePlugins, "plugins", "describe", "org.test.python-rpc"]
            : ["plugins", "describe", "org.test.python-rpc", "--plugin-path", FixturePlugins];
        Osbuild.Result run = Osbuild.Run(describe);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Test stage: progress and sources.get over fd 3 from Python", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(FixturePlugins, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void PluginPath_BeforeList_ListsThePlugin()
    {
        Osbuild.Result run = Osbuild.Run(["--plugin-path", FixturePlugins, "plugins", "list"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("org.test.python-rpc", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("org.osbuild.hostname", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void LibDir_BeforeSubcommand_IsTheBuiltinRoot()
    {
        // An empty libdir given before the subcommand hides every built-in plugin.
        string empty = Directory.CreateTempSubdirectory("osbuild-empty-libdir-").FullName;
        try
        {
            Osbuild.Result run = Osbuild.Run(["--libdir", empty, "plugins", "list"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.DoesNotContain("org.osbuild.hostname", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("plugins")]
    [InlineData("plugins describe")]
    [InlineData("new")]
    [InlineData("tree-diff")]
    [InlineData("depsolve-deb")]
    public void SubcommandHelp_NeverAsksForAManifest(string command)
    {
        Osbuild.Result run = Osbuild.Run([.. command.Split(' '), "--help"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("PIPELINE", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Usage:\n  osbuild {command}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--plugin-path", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RootHelp_ShowsBothForms()
    {
        Osbuild.Result run = Osbuild.Run(["--help"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:\n  osbuild [options] <PIPELINE>\n  osbuild <command> [options]\n", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--store", "/tmp/x", "--store does not apply to `osbuild plugins list`")]
    [InlineData("--json", null, "--json does not apply to `osbuild plugins list`")]
    [InlineData("--bogus", null, "unknown option --bogus")]
    [InlineData("manifest.json", null, "unexpected 'manifest.json' before `osbuild plugins list`, which takes no manifest")]
    public void BuildOptionBeforeSubcommand_RefusedWithExit2(string option, string? value, string message)
    {
        Osbuild.Result run = Osbuild.Run(value is null ? [option, "plugins", "list"] : [option, value, "plugins", "list"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"error: {message}", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void PluginsListJson_SaysWhichAreBuiltIn()
    {
        Osbuild.Result run = Osbuild.Run(["plugins", "list", "--json", "--plugin-path", FixturePlugins]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var plugins = (JValue.Array)JsonTextParser.Parse(run.Stdout, "stdout");
        var byName = plugins.Items.Cast<JValue.Object>().ToDictionary(p => ((JValue.String)p["name"]!).Value + "/" + ((JValue.String)p["kind"]!).Value);
        Assert.Equal(JValue.Bool.True, byName["org.osbuild.qemu/assembler"]["builtin"]);
        Assert.Equal(JValue.Bool.False, byName["org.test.python-rpc/stage"]["builtin"]);
    }
}
