using System.Text.Json.Nodes;

namespace Engine.Integration.Tests.Scaffolding;

/// <summary>
/// `osbuild new` end to end: every kind in every language is scaffolded by the installed host,
/// the C# ones are published with the printed command, and each generated test manifest is built
/// by the installed host with the scaffold's folder as --plugin-path; nothing recompiles the host.
/// </summary>
public sealed class ScaffoldedPluginsTests(ScaffoldedPlugins plugins, ITestOutputHelper output) : IClassFixture<ScaffoldedPlugins>
{
    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (string language in ScaffoldedPlugins.Languages)
        {
            foreach (string kind in ScaffoldedPlugins.Kinds)
            {
                data.Add(language, kind);
            }
        }

        return data;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void SkipWithoutHost()
        => Assert.SkipUnless(File.Exists(ProcessRun.Osbuild), $"{ProcessRun.Osbuild} is missing: run ./build.sh first");

    [Fact]
    public void New_EveryKindAndLanguage_WritesPluginRoot()
    {
        SkipWithoutHost();
        foreach (string language in ScaffoldedPlugins.Languages)
        {
            foreach (string kind in ScaffoldedPlugins.Kinds)
            {
                string name = ScaffoldedPlugins.NameOf(language, kind);
                ProcessRun.Result scaffold = plugins.Scaffold(language, kind);
                Assert.True(scaffold.ExitCode == 0, scaffold.ToString());
                Assert.StartsWith($"created {kind} {name} ({language}) in {plugins.PluginRoot}:", scaffold.Stdout, StringComparison.Ordinal);
                Assert.True(File.Exists(Path.Combine(plugins.PluginRoot, kind + "s", name + ".meta.json")), $"{name}: no meta file");
                Assert.True(File.Exists(Path.Combine(plugins.PluginRoot, name + ".test.json")), $"{name}: no test manifest");
                Assert.True(File.Exists(Path.Combine(plugins.PluginRoot, name + ".README.md")), $"{name}: no README");
                string code = language == "csharp"
                    ? Path.Combine(plugins.PluginRoot, "src", name, "Program.cs")
                    : Path.Combine(plugins.PluginRoot, kind + "s", name);
                Assert.True(File.Exists(code), $"{name}: {code} is missing");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void TestManifest_ScaffoldedPlugin_BuildsWithInstalledHost(string language, string kind)
    {
        SkipWithoutHost();
        Assert.SkipUnless(IsRoot, "building needs root");
        string name = ScaffoldedPlugins.NameOf(language, kind);
        ProcessRun.Result scaffold = plugins.Scaffold(language, kind);
        Assert.True(scaffold.ExitCode == 0, scaffold.ToString());
        if (language == "csharp")
        {
            ProcessRun.Result publish = plugins.CSharpBuild(kind);
            output.WriteLine($"dotnet publish of {name}: {publish.Elapsed.TotalSeconds:F1} s");
            Assert.True(publish.ExitCode == 0, publish.ToString());
            Assert.Equal([name], Directory.EnumerateFiles(Path.Combine(plugins.PluginRoot, kind + "s")).Select(Path.GetFileName).Where(f => f!.StartsWith(name, StringComparison.Ordinal) && !f.EndsWith(".json", StringComparison.Ordinal) && !f.Contains(".check", StringComparison.Ordinal)));
        }

        ProcessRun.Result run = ScaffoldedPlugins.Osbuild(
            "--store", plugins.Store, "--plugin-path", plugins.PluginRoot, "--json", Path.Combine(plugins.PluginRoot, name + ".test.json"));
        output.WriteLine($"osbuild {name}.test.json: {run.Elapsed.TotalSeconds:F1} s");

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonObject result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.True(result["success"]!.GetValue<bool>(), run.ToString());
        switch (kind)
        {
            case "stage":
                Assert.Equal($"Hello from {name}\n", File.ReadAllText(Path.Combine(Ref(result, "tree_id"), name + ".txt")));
                Assert.Contains($"to /{name}.txt", Output(result["stages"]![0]!), StringComparison.Ordinal);
                break;
            case "source":
                // the check stage asked for the checksum of this text; the source served it
                Assert.Equal($"Hello from {name}", File.ReadAllText(Path.Combine(Ref(result, "tree_id"), name + ".txt")));
                break;
            case "runner":
                Assert.Contains($"{name}: build root ready, running org.osbuild.noop\n", Output(result["stages"]![0]!), StringComparison.Ordinal);
                break;
            case "assembler":
                // a pipeline without stages: the tree is empty, so the listing is its root alone
                Assert.Equal("/\n", File.ReadAllText(Path.Combine(Ref(result, "output_id"), name + ".txt")));
                Assert.Contains($"wrote the tree's paths to {name}.txt", Output(result["assembler"]!), StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public void PluginsDescribe_ScaffoldedStage_ShowsItsMeta()
    {
        SkipWithoutHost();
        string name = ScaffoldedPlugins.NameOf("python", "stage");
        Assert.True(plugins.Scaffold("python", "stage").ExitCode == 0, plugins.Scaffold("python", "stage").ToString());

        ProcessRun.Result describe = ScaffoldedPlugins.Osbuild("plugins", "describe", name, "--plugin-path", plugins.PluginRoot);

        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Equal(
            $"""
            {name} (stage)
              executable: {plugins.PluginRoot}/stages/{name}
              protocol:   1

              Write a message into the tree (starter stage made by osbuild new)
              Writes the option "message" and a newline to /{name}.txt in the tree,
              and reports progress to the host on fd 3.
              Replace this with what your stage does, and describe its options below.

              Requires (programs of the build root; of the host when the pipeline has no build pipeline):
              COMMAND  PACKAGE  WHEN
              python3  python3  always

              Options:
              OPTION   TYPE    REQUIRED  DESCRIPTION
              message  string  yes       text written to /{name}.txt

            """,
            describe.Stdout);
    }

    [Fact]
    public void New_SameNameAgain_RefusesWithStatus2()
    {
        SkipWithoutHost();
        string name = ScaffoldedPlugins.NameOf("sh", "runner");
        Assert.True(plugins.Scaffold("sh", "runner").ExitCode == 0, plugins.Scaffold("sh", "runner").ToString());

        ProcessRun.Result again = ScaffoldedPlugins.Osbuild("new", "runner", name, "--lang", "sh", "--output", plugins.PluginRoot);

        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"error: refusing to overwrite {plugins.PluginRoot}/runners/{name}, ", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("", again.Stdout);
    }

    [Fact]
    public void New_NameOfInstalledBuiltin_RefusesWithStatus2()
    {
        SkipWithoutHost();
        string output = Path.Combine(plugins.Root, "builtin-clash");

        ProcessRun.Result clash = ScaffoldedPlugins.Osbuild("new", "stage", "org.osbuild.noop", "--lang", "python", "--output", output);

        Assert.Equal(2, clash.ExitCode);
        Assert.Contains("org.osbuild.noop is the name of a built-in stage", clash.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    private string Ref(JsonObject result, string id) => Path.Combine(plugins.Store, "refs", result[id]!.GetValue<string>());

    private static string Output(JsonNode stage) => stage["output"]!.GetValue<string>();
}
