using System.Collections.Immutable;
using Engine.Host.Json;

namespace Engine.Host.Pipeline;

/// <summary>How one stage or the assembler ran: osbuild's per-run result.</summary>
/// <param name="Name">The plugin's name.</param>
/// <param name="Id">The stage's (or assembler's) id.</param>
/// <param name="Options">The options as given in the manifest (canonical, for the result's <c>options</c>).</param>
/// <param name="Success">Exit status 0 and nothing else wrong (channel, timeout).</param>
/// <param name="Output">What it wrote, with its log lines; null outside <c>--json</c> mode, where it went to the terminal.</param>
public sealed record StageResult(string Name, string Id, JValue.Object Options, bool Success, string? Output);

/// <summary>
/// How a pipeline ran: osbuild's result object. Members that did not happen stay null and are
/// left out when written: a cached tree has no <see cref="Stages"/>, a failed stage stops before
/// <see cref="TreeId"/>.
/// </summary>
/// <param name="Build">The build pipeline's result, when the pipeline has one.</param>
/// <param name="Stages">The stages that ran, in order, up to the first that failed.</param>
/// <param name="TreeId">The pipeline's tree id, once the tree exists (built or cached).</param>
/// <param name="Assembler">The assembler's result, when it ran.</param>
/// <param name="OutputId">The output id, once the output exists.</param>
/// <param name="Success">Whether everything succeeded.</param>
public sealed record PipelineResult(
    PipelineResult? Build,
    ImmutableArray<StageResult>? Stages,
    string? TreeId,
    StageResult? Assembler,
    string? OutputId,
    bool Success)
{
    /// <summary>
    /// The result as osbuild prints it with <c>--json</c>: its keys in its order (build, stages,
    /// tree_id, assembler, output_id, success), its Python-style escaping.
    /// </summary>
    public string ToJson() => PythonJson.Compact(ToJValue());

    /// <summary>The result object (osbuild's key order) for writers that embed it.</summary>
    public JValue.Object ToJValue()
    {
        var members = new List<(string, JValue)>();
        if (Build is not null)
        {
            members.Add(("build", Build.ToJValue()));
        }

        if (Stages is ImmutableArray<StageResult> stages)
        {
            members.Add(("stages", new JValue.Array([.. stages.Select(ToJValue)])));
        }

        if (TreeId is not null)
        {
            members.Add(("tree_id", new JValue.String(TreeId)));
        }

        if (Assembler is not null)
        {
            members.Add(("assembler", ToJValue(Assembler)));
        }

        if (OutputId is not null)
        {
            members.Add(("output_id", new JValue.String(OutputId)));
        }

        members.Add(("success", Success ? JValue.Bool.True : JValue.Bool.False));
        return JValue.Object.From([.. members]);
    }

    private static JValue ToJValue(StageResult stage)
        => JValue.Object.From(
            ("name", new JValue.String(stage.Name)),
            ("id", new JValue.String(stage.Id)),
            ("options", stage.Options),
            ("success", stage.Success ? JValue.Bool.True : JValue.Bool.False),
            ("output", stage.Output is null ? JValue.Null.Instance : new JValue.String(stage.Output)));
}
