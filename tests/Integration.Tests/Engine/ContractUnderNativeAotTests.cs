using System.Diagnostics;
using Engine.Host.Json;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// The fd-3 contract with both ends compiled by NativeAOT, as they ship: the host's StreamJsonRpc
/// server (out/bin/osbuild) and a C# stage using the SDK's generated proxy (published here with
/// PublishAot). Every call a stage may make, and the errors of docs/protocol.md §3.6 it can meet.
/// Host.Tests/Services/ContractTests covers the same contract in memory, under the JIT.
/// </summary>
public sealed class ContractUnderNativeAotTests
{
    private static readonly Lazy<string> s_pluginRoot = new(PublishFixture);

    [Fact]
    public void Stage_CallsEveryMethod_GetsResultsAndErrorCodes()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """{"stages": [{"name": "org.test.contract"}]}""");

        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", s_pluginRoot.Value, "--json", manifest]);

        Assert.True(run.ExitCode == 0, run.ToString());
        string tree = Path.Combine(scratch.Store, "refs", ((JValue.String)run.Json["tree_id"]!).Value);
        string[] lines = File.ReadAllLines(Path.Combine(tree, "contract.txt"));
        Assert.Equal("sources.get: {}", lines[0]);
        Assert.StartsWith("sources.get unknown source: error 1001 no source named 'org.test.no-such-source'", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("sources.get failing source: error 1002 org.osbuild.files: unknown file: sha256:0000", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("sources.get empty name: error 1003 ", lines[3], StringComparison.Ordinal);
        Assert.Equal("loop.attach from a stage: error 1005 loop.attach is offered to assemblers only", lines[4]);
        var stage = (JValue.Object)((JValue.Array)run.Json["stages"]!).Items[0];
        Assert.Contains("[info] contract log line\n", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
        Assert.Contains("org.test.contract [info] contract log line", run.Stderr, StringComparison.Ordinal);
    }

    private static string PublishFixture()
    {
        string root = Osbuild.FixtureBuildDirectory("contract-stage");
        string publish = Path.Combine(root, "publish");
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(Osbuild.Fixtures, "contract-stage", "org.test.contract.csproj"), "-c", "Release", "-r", "linux-x64", "-o", publish, "--nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process build = Process.Start(start)!;
        string log = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        Assert.True(build.ExitCode == 0, "publishing the NativeAOT fixture failed:\n" + log);
        string stages = Directory.CreateDirectory(Path.Combine(root, "plugins", "stages")).FullName;
        File.Copy(Path.Combine(publish, "org.test.contract"), Path.Combine(stages, "org.test.contract"));
        File.SetUnixFileMode(Path.Combine(stages, "org.test.contract"), (UnixFileMode)0b111_101_101);
        return Path.Combine(root, "plugins");
    }
}
