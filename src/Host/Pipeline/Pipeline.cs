using System.Collections.Immutable;
using Engine.Host.Json;
using Engine.Host.Manifest;

namespace Engine.Host.Pipeline;

/// <summary>
/// A pipeline with its ids: the stages change one tree in order, the assembler turns the final
/// tree into an output, and an optional build pipeline makes the tree every stage runs in.
/// Ids are fixed when the pipeline is created from the manifest; <see cref="WithBuildEnvironment"/>
/// (the <c>--build-env</c> flag) changes where things run but never an id.
/// </summary>
public sealed class Pipeline
{
    private Pipeline(string runner, Pipeline? build, ImmutableArray<Stage> stages, Stage? assembler)
    {
        Runner = runner;
        Build = build;
        Stages = stages;
        Assembler = assembler;
    }

    /// <summary>Default runner when a pipeline has no <c>build</c>.</summary>
    public const string HostRunner = "org.osbuild.host";

    /// <summary>The runner the stages and the assembler of this pipeline run under.</summary>
    public string Runner { get; }

    /// <summary>The pipeline whose tree is the build root; null = the host's root.</summary>
    public Pipeline? Build { get; }

    public ImmutableArray<Stage> Stages { get; }

    public Stage? Assembler { get; }

    /// <summary>Id of the last stage; null without stages.</summary>
    public string? TreeId => Stages.IsEmpty ? null : Stages[^1].Id;

    /// <summary>Id of the assembler; null without one.</summary>
    public string? OutputId => Assembler?.Id;

    /// <summary>Computes every id of <paramref name="spec"/>, build pipelines first.</summary>
    public static Pipeline Create(PipelineSpec spec)
    {
        Pipeline? build = spec.Build?.Pipeline is PipelineSpec buildSpec ? Create(buildSpec) : null;
        string runner = spec.Build?.Runner ?? HostRunner;
        string? buildId = build?.TreeId;
        var stages = ImmutableArray.CreateBuilder<Stage>(spec.Stages.Length);
        string? baseId = null;
        foreach (StageSpec stage in spec.Stages)
        {
            string id = StageId.Compute(stage.Name, buildId, baseId, stage.Options);
            stages.Add(new Stage(stage.Name, stage.Options, id, stage.JsonPath));
            baseId = id;
        }

        Stage? assembler = spec.Assembler is StageSpec a
            ? new Stage(a.Name, a.Options, StageId.Compute(a.Name, buildId, baseId, a.Options), a.JsonPath)
            : null;
        return new Pipeline(runner, build, stages.MoveToImmutable(), assembler);
    }

    /// <summary>
    /// Attaches a build environment at the innermost pipeline (the one without a build pipeline),
    /// keeping every id as it was.
    /// </summary>
    public Pipeline WithBuildEnvironment(string runner, Pipeline? buildPipeline)
        => Build is null
            ? new Pipeline(runner, buildPipeline, Stages, Assembler)
            : new Pipeline(Runner, Build.WithBuildEnvironment(runner, buildPipeline), Stages, Assembler);

    /// <summary>This pipeline and its build pipelines, innermost first.</summary>
    public IEnumerable<Pipeline> SelfAndBuilds()
    {
        if (Build is not null)
        {
            foreach (Pipeline inner in Build.SelfAndBuilds())
            {
                yield return inner;
            }
        }

        yield return this;
    }

    /// <summary>
    /// The canonical description; with <paramref name="withIds"/> every stage
    /// gets its <c>id</c> and every pipeline its <c>tree_id</c>/<c>output_id</c> (<c>--inspect</c>).
    /// </summary>
    public JValue.Object Describe(bool withIds)
    {
        var members = new List<(string, JValue)>();
        if (Build is not null)
        {
            members.Add(("build", JValue.Object.From(("pipeline", Build.Describe(withIds)), ("runner", new JValue.String(Runner)))));
        }

        if (!Stages.IsEmpty)
        {
            members.Add(("stages", new JValue.Array(Stages.Select(s => (JValue)s.Describe(withIds)).ToImmutableArray())));
        }

        if (Assembler is not null)
        {
            members.Add(("assembler", Assembler.Describe(withIds)));
        }

        if (withIds)
        {
            if (TreeId is string treeId)
            {
                members.Add(("tree_id", new JValue.String(treeId)));
            }

            if (OutputId is string outputId)
            {
                members.Add(("output_id", new JValue.String(outputId)));
            }
        }

        return JValue.Object.From([.. members]);
    }
}
