using System.Collections.Immutable;
using Engine.Host.Json;

namespace Engine.Host.Manifest;

/// <summary>A stage or assembler as written in the manifest, options already normalised (falsy → <c>{}</c>).</summary>
/// <param name="Name">Reverse-DNS plugin name.</param>
/// <param name="Options">The options object.</param>
/// <param name="JsonPath">Where it stands in the manifest, for error messages (<c>$.pipeline.stages[2]</c>).</param>
public sealed record StageSpec(string Name, JValue.Object Options, string JsonPath);

/// <summary>The <c>build</c> member of a pipeline: a runner and optionally a pipeline making the build root.</summary>
public sealed record BuildSpec(string Runner, PipelineSpec? Pipeline);

/// <summary>A pipeline as written in the manifest.</summary>
public sealed record PipelineSpec(BuildSpec? Build, ImmutableArray<StageSpec> Stages, StageSpec? Assembler);

/// <summary>A whole manifest: the pipeline and the sources configuration.</summary>
/// <param name="Pipeline">The main pipeline.</param>
/// <param name="Sources">Sources configuration keyed by source name (<c>{}</c> if none).</param>
/// <param name="FileName">Where it was read from ("stdin" for <c>-</c>).</param>
public sealed record ManifestDocument(PipelineSpec Pipeline, JValue.Object Sources, string FileName);
