using Engine.Host.Cli;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Pipeline;
using Engine.Host.Plugins;
using Engine.Host.Services;
using Engine.Host.Services.Sources;
using Engine.Host.Store;
using Engine.Host.Tests.Plugins;
using Engine.Native;
using Engine.Protocol;
using P = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Tests.Pipeline;

/// <summary>
/// The executor's logic with a real object store and a scripted container runner: which plugins
/// run, in which order, on which tree; what is cached, committed and reported. The containers
/// themselves are the integration tests' business.
/// </summary>
public sealed class PipelineExecutorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("engine-executor-").FullName;
    private readonly PluginRoot _plugins = new PluginRoot()
        .Add(PluginKind.Runner, "org.osbuild.host", null)
        .Add(PluginKind.Stage, "org.example.write", null)
        .Add(PluginKind.Stage, "org.example.fail", null)
        .Add(PluginKind.Assembler, "org.example.list", null);

    public void Dispose()
    {
        _plugins.Dispose();
        GuardedDelete.Remove(_root);
    }

    /// <summary>Plays each plugin: org.example.write writes its option "file" into the tree, org.example.fail exits 3, org.example.list lists the tree into the output.</summary>
    private sealed class ScriptedContainers : IContainerRunner
    {
        public List<string> Ran { get; } = [];

        public Task<ContainerRunResult> RunAsync(ContainerRunRequest request, Func<Stream, ContainerContext, IPluginChannel> attachChannel, CancellationToken cancellationToken)
        {
            Ran.Add(request.Plugin.Name);
            string tree = request.Mounts.Single(m => m.ContainerPath == ContainerPaths.Tree).HostPath;
            using var arguments = System.Text.Json.JsonDocument.Parse(request.ArgumentsJson);
            int exit = 0;
            switch (request.Plugin.Name)
            {
                case "org.example.write":
                    string file = arguments.RootElement.GetProperty("options").GetProperty("file").GetString()!;
                    File.WriteAllText(Path.Combine(tree, file), file);
                    break;
                case "org.example.fail":
                    File.WriteAllText(Path.Combine(tree, "half-done"), "");
                    exit = 3;
                    break;
                case "org.example.list":
                    string output = request.Mounts.Single(m => m.ContainerPath == ContainerPaths.Output).HostPath;
                    File.WriteAllLines(Path.Combine(output, "list.txt"), Directory.GetFileSystemEntries(tree).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
                    break;
            }

            return Task.FromResult(new ContainerRunResult(new PluginExit(ProcessExit.Exited(exit)), $"{request.Plugin.Name} ran\n", null));
        }
    }

    private string Store => Path.Combine(_root, "store");

    private static P Load(string json) => P.Create(ManifestLoader.Load(JsonTextParser.Parse(json, "m.json"), "m.json").Pipeline);

    private async Task<(PipelineResult Result, ScriptedContainers Containers)> RunAsync(P pipeline, IReadOnlySet<string>? checkpoints = null, bool noCache = false)
    {
        var store = new ObjectStore(Store, TreeSum.Compute);
        var catalog = _plugins.Catalog();
        var reporter = new SilentReporter(TextWriter.Null);
        var containers = new ScriptedContainers();
        var services = new RunServicesFactory(store, catalog, new SourceProgramRunner(TextWriter.Null), JValue.Object.Empty, JValue.Object.Empty, reporter);
        var settings = new BuildSettings(JValue.Object.Empty, JValue.Object.Empty, checkpoints ?? new HashSet<string>(), CaptureOutput: true, StageTimeout: null, OverlayBase: false, NoCache: noCache);
        var executor = new PipelineExecutor(store, catalog, containers, services, settings, reporter);
        return (await executor.RunAsync(pipeline, TestContext.Current.CancellationToken), containers);
    }

    private string Ref(string id) => Path.Combine(Store, "refs", id);

    private string[] Leftovers => [.. Directory.GetFileSystemEntries(Store).Select(Path.GetFileName).Where(n => !ObjectStore.PersistentFolders.Contains(n!))!];

    private const string TwoStages = """
        {"stages": [{"name": "org.example.write", "options": {"file": "a"}}, {"name": "org.example.write", "options": {"file": "b"}}],
         "assembler": {"name": "org.example.list"}}
        """;

    [Fact]
    public async Task Stages_RunInOrderOnOneTree_CommittedUnderTreeIdAndTreesum()
    {
        P pipeline = Load(TwoStages);

        var (result, containers) = await RunAsync(pipeline);

        Assert.True(result.Success);
        Assert.Equal(["org.example.write", "org.example.write", "org.example.list"], containers.Ran);
        Assert.Equal(["a", "b"], Directory.GetFiles(Ref(pipeline.TreeId!)).Select(Path.GetFileName).Order());
        Assert.Equal(TreeSum.Compute(Ref(pipeline.TreeId!), CancellationToken.None), Path.GetFileName(new ObjectStore(Store, TreeSum.Compute).ObjectPath(pipeline.TreeId!)));
        Assert.Equal("a\nb\n", File.ReadAllText(Path.Combine(Ref(pipeline.OutputId!), "list.txt")));
        Assert.Equal(2, result.Stages!.Value.Length);
        Assert.Equal(pipeline.TreeId, result.TreeId);
        Assert.Equal(pipeline.OutputId, result.OutputId);
        Assert.Empty(Leftovers);
    }

    [Fact]
    public async Task SecondRun_FullyCached_RunsNothingAndReportsOnlyIds()
    {
        P pipeline = Load(TwoStages);
        await RunAsync(pipeline);

        var (result, containers) = await RunAsync(pipeline);

        Assert.Empty(containers.Ran);
        Assert.True(result.Success);
        Assert.Null(result.Stages);
        Assert.Null(result.Assembler);
        Assert.Equal($$$"""{"tree_id": "{{{pipeline.TreeId}}}", "output_id": "{{{pipeline.OutputId}}}", "success": true}""", result.ToJson());
    }

    [Fact]
    public async Task NoCache_RunsEverythingAgain()
    {
        P pipeline = Load(TwoStages);
        await RunAsync(pipeline);

        var (result, containers) = await RunAsync(pipeline, noCache: true);

        Assert.Equal(3, containers.Ran.Count);
        Assert.True(result.Success);
    }

    [Fact]
    public async Task LongerPipeline_StartsFromTheLastCachedStage()
    {
        await RunAsync(Load("""{"stages": [{"name": "org.example.write", "options": {"file": "a"}}], "assembler": {"name": "org.example.list"}}"""));

        var (result, containers) = await RunAsync(Load(TwoStages));

        // The first stage's tree was cached (it was the first pipeline's tree): only the second stage and the assembler run.
        Assert.Equal(["org.example.write", "org.example.list"], containers.Ran);
        Assert.Single(result.Stages!.Value);
        Assert.Equal(["a", "b"], Directory.GetFiles(Ref(result.TreeId!)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task FailingStage_StopsTheBuild_CommitsNothingLeavesNothing()
    {
        P pipeline = Load("""{"stages": [{"name": "org.example.write", "options": {"file": "a"}}, {"name": "org.example.fail"}, {"name": "org.example.write", "options": {"file": "c"}}]}""");

        var (result, containers) = await RunAsync(pipeline);

        Assert.False(result.Success);
        Assert.Equal(["org.example.write", "org.example.fail"], containers.Ran);
        Assert.Equal([true, false], result.Stages!.Value.Select(s => s.Success));
        Assert.Null(result.TreeId);
        Assert.False(Directory.Exists(Path.Combine(Store, "refs")) && Directory.EnumerateFileSystemEntries(Path.Combine(Store, "refs")).Any(), "a failed build commits nothing");
        Assert.Empty(Leftovers);
        Assert.Equal("org.example.fail ran\n", result.Stages!.Value[1].Output);
    }

    [Fact]
    public async Task Checkpoint_CommitsTheStagesTree()
    {
        P pipeline = Load(TwoStages);
        string first = pipeline.Stages[0].Id;

        await RunAsync(pipeline, checkpoints: new HashSet<string> { first });

        Assert.Equal(["a"], Directory.GetFiles(Ref(first)).Select(Path.GetFileName));
        Assert.Equal(["a", "b"], Directory.GetFiles(Ref(pipeline.TreeId!)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task BuildPipeline_RunsFirst_AndItsResultNestsUnderBuild()
    {
        P pipeline = Load("""
            {"build": {"pipeline": {"stages": [{"name": "org.example.write", "options": {"file": "tools"}}]}, "runner": "org.osbuild.host"},
             "stages": [{"name": "org.example.write", "options": {"file": "a"}}]}
            """);

        var (result, containers) = await RunAsync(pipeline);

        Assert.True(result.Success);
        Assert.Equal(2, containers.Ran.Count);
        Assert.NotNull(result.Build);
        Assert.Equal(pipeline.Build!.TreeId, result.Build!.TreeId);
        Assert.StartsWith("{\"build\": {\"stages\": [", result.ToJson(), StringComparison.Ordinal);
    }
}
