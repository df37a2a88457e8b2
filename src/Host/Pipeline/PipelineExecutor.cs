using System.Collections.Immutable;
using System.Diagnostics;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Plugins;
using Engine.Host.Services;
using Engine.Host.Store;
using Engine.Protocol;

namespace Engine.Host.Pipeline;

/// <summary>
/// Runs a pipeline as osbuild does (docs/architecture.md, "One manifest"): the build pipeline first, then the
/// stages from the last one whose tree is in the store, all on one working tree that is committed
/// at the end, then the assembler on a read-only view of the final tree. Cached work is skipped; a
/// fully cached manifest starts no container. The result object has osbuild's keys in osbuild's order.
/// </summary>
internal sealed class PipelineExecutor(
    ObjectStore store,
    PluginCatalog catalog,
    IContainerRunner containers,
    RunServicesFactory services,
    BuildSettings settings,
    IBuildReporter reporter)
{
    private readonly PluginProvenance _provenance = new(store);

    public async Task<PipelineResult> RunAsync(Pipeline pipeline, CancellationToken cancellationToken)
    {
        PipelineResult? build = null;
        if (pipeline.Build is not null)
        {
            build = await RunAsync(pipeline.Build, cancellationToken);
            if (!build.Success)
            {
                return new PipelineResult(build, null, null, null, null, Success: false);
            }
        }

        using TempDirectory? emptyRoot = pipeline.Build is { TreeId: null } ? store.CreateTemporary() : null;
        BuildRoot buildRoot = pipeline.Build is null
            ? BuildRoot.Host
            : new BuildRoot(emptyRoot?.Path ?? ObjectPath(pipeline.Build.TreeId!), IsHost: false);

        ImmutableArray<StageResult>? stages = null;
        string? treeId = null;
        if (!pipeline.Stages.IsEmpty)
        {
            if (IsCached(pipeline.TreeId))
            {
                NoteChangedPlugins("tree", pipeline.TreeId!, TreePlugins(pipeline, pipeline.Stages.Length));
            }
            else
            {
                var ran = ImmutableArray.CreateBuilder<StageResult>();
                bool ok = await RunStagesAsync(pipeline, buildRoot, ran, cancellationToken);
                stages = ran.ToImmutable();
                if (!ok)
                {
                    return new PipelineResult(build, stages, null, null, null, Success: false);
                }
            }

            treeId = pipeline.TreeId;
        }

        StageResult? assemblerResult = null;
        string? outputId = null;
        if (pipeline.Assembler is Stage assembler)
        {
            if (IsCached(assembler.Id))
            {
                NoteChangedPlugins("output", assembler.Id, OutputPlugins(pipeline, assembler));
            }
            else
            {
                assemblerResult = await RunAssemblerAsync(pipeline, assembler, buildRoot, cancellationToken);
                if (!assemblerResult.Success)
                {
                    return new PipelineResult(build, stages, treeId, assemblerResult, null, Success: false);
                }
            }

            outputId = assembler.Id;
        }

        return new PipelineResult(build, stages, treeId, assemblerResult, outputId, Success: true);
    }

    /// <summary>
    /// True when <see cref="RunAsync"/> would find everything in the store and start no container:
    /// every tree and assembler output of the pipeline and of its build pipelines is there.
    /// </summary>
    public static bool RunsNothing(Pipeline pipeline, ObjectStore store)
        => (pipeline.Build is null || RunsNothing(pipeline.Build, store))
            && (pipeline.Stages.IsEmpty || store.Contains(pipeline.TreeId))
            && (pipeline.Assembler is null || store.Contains(pipeline.Assembler.Id));

    private bool IsCached(string? id) => !settings.NoCache && store.Contains(id);

    /// <summary>The plugins that make the tree of the first <paramref name="stageCount"/> stages: the runner and those stages.</summary>
    private IEnumerable<PluginInfo> TreePlugins(Pipeline pipeline, int stageCount)
        => pipeline.Stages.Take(stageCount).Select(s => catalog.Require(PluginKind.Stage, s.Name))
            .Prepend(catalog.Require(PluginKind.Runner, pipeline.Runner));

    private IEnumerable<PluginInfo> OutputPlugins(Pipeline pipeline, Stage assembler)
        => TreePlugins(pipeline, pipeline.Stages.Length).Append(catalog.Require(PluginKind.Assembler, assembler.Name));

    /// <summary>Says when a cached object was made by other plugin files than the manifest's plugins are now.</summary>
    private void NoteChangedPlugins(string what, string id, IEnumerable<PluginInfo> plugins)
    {
        IReadOnlyList<string> changed = _provenance.ChangedSince(id, plugins);
        if (changed.Count > 0)
        {
            string names = changed.Count <= 3 ? string.Join(", ", changed) : $"{string.Join(", ", changed.Take(3))} and {changed.Count - 3} more";
            reporter.Note($"{what} {id} was built by an older {names}; --no-cache rebuilds");
        }
    }

    private async Task<bool> RunStagesAsync(Pipeline pipeline, BuildRoot buildRoot, ImmutableArray<StageResult>.Builder stageResults, CancellationToken cancellationToken)
    {
        int baseIndex = -1;
        for (int i = pipeline.Stages.Length - 1; i >= 0; i--)
        {
            if (IsCached(pipeline.Stages[i].Id))
            {
                baseIndex = i;
                NoteChangedPlugins("tree", pipeline.Stages[i].Id, TreePlugins(pipeline, i + 1));
                break;
            }
        }

        using WorkingTree tree = WorkingTree.Start(
            store, baseIndex >= 0 ? pipeline.Stages[baseIndex].Id : null, settings.OverlayBase, cancellationToken);
        for (int i = baseIndex + 1; i < pipeline.Stages.Length; i++)
        {
            Stage stage = pipeline.Stages[i];
            using TempDirectory sourcesOutput = store.CreateTemporary("tmp-sources-");
            string arguments = PluginArguments.ForStage(JValueConversion.ToElement(stage.Options)).ToJson();
            ContainerMount[] mounts =
            [
                new(tree.Path, ContainerPaths.Tree, ReadOnly: false),
                new(sourcesOutput.Path, ContainerPaths.Sources, ReadOnly: true),
            ];
            StageResult stageResult = await RunPluginAsync(pipeline, stage, PluginKind.Stage, buildRoot, arguments, mounts, sourcesOutput.Path, i, pipeline.Stages.Length, cancellationToken);
            stageResults.Add(stageResult);
            if (!stageResult.Success)
            {
                return false;
            }

            // The last stage's id is the pipeline's tree id, which the commit below stores anyway.
            if (settings.Checkpoints.Contains(stage.Id) && i < pipeline.Stages.Length - 1)
            {
                tree.Checkpoint(stage.Id, cancellationToken);
                _provenance.Record(stage.Id, TreePlugins(pipeline, i + 1));
            }
        }

        tree.Commit(pipeline.TreeId!, cancellationToken);
        _provenance.Record(pipeline.TreeId!, TreePlugins(pipeline, pipeline.Stages.Length));
        return true;
    }

    private async Task<StageResult> RunAssemblerAsync(Pipeline pipeline, Stage assembler, BuildRoot buildRoot, CancellationToken cancellationToken)
    {
        using TempDirectory? emptyTree = pipeline.TreeId is null ? store.CreateTemporary() : null;
        string tree = emptyTree?.Path ?? ObjectPath(pipeline.TreeId!);
        using TempDirectory workspace = store.CreateTemporary();
        string output = Path.Combine(workspace.Path, "tree");
        TreeDirectory.Create(output);
        string arguments = PluginArguments.ForAssembler(JValueConversion.ToElement(assembler.Options)).ToJson();
        ContainerMount[] mounts =
        [
            new(tree, ContainerPaths.Tree, ReadOnly: true),
            new(output, ContainerPaths.Output, ReadOnly: false),
        ];
        StageResult result = await RunPluginAsync(pipeline, assembler, PluginKind.Assembler, buildRoot, arguments, mounts, null, 0, 1, cancellationToken);
        if (result.Success)
        {
            store.Commit(output, assembler.Id, cancellationToken);
            _provenance.Record(assembler.Id, OutputPlugins(pipeline, assembler));
        }

        return result;
    }

    private async Task<StageResult> RunPluginAsync(
        Pipeline pipeline, Stage stage, string kind, BuildRoot buildRoot, string arguments,
        IReadOnlyList<ContainerMount> mounts, string? sourcesOutput, int position, int count, CancellationToken cancellationToken)
    {
        PluginInfo plugin = catalog.Require(kind, stage.Name);
        PluginInfo runner = catalog.Require(PluginKind.Runner, pipeline.Runner);
        bool isAssembler = kind == PluginKind.Assembler;
        reporter.StageStarting(stage, isAssembler, position, count);
        var watch = Stopwatch.StartNew();
        await using RunServices runServices = services.Create(stage, sourcesOutput);
        ContainerRunResult run = await containers.RunAsync(
            new ContainerRunRequest(buildRoot, runner, plugin, arguments, mounts, settings.StageTimeout),
            (stream, context) => LazyPluginChannel.Serve(stream, s => PluginChannel.Serve(s, runServices, context)),
            cancellationToken);
        if (run.Failure is not null)
        {
            reporter.Error(run.Failure);
        }

        reporter.StageFinished(stage, run.Success, run.Exit, watch.Elapsed);
        string output = run.Failure is null ? run.Output : run.Output + (run.Output.EndsWith('\n') || run.Output.Length == 0 ? "" : "\n") + "error: " + run.Failure + "\n";
        return new StageResult(stage.Name, stage.Id, stage.Options, run.Success, settings.CaptureOutput ? output : null);
    }

    private string ObjectPath(string id) => store.ObjectPath(id);
}
