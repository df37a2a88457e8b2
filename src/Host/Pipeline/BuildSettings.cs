using Engine.Host.Json;

namespace Engine.Host.Pipeline;

/// <summary>Everything a build needs besides the pipeline, fixed for the whole run.</summary>
/// <param name="Sources">Sources configuration keyed by source name.</param>
/// <param name="Secrets">Secrets keyed by source name; never logged or stored.</param>
/// <param name="Checkpoints">Stage ids whose trees are committed as they are built.</param>
/// <param name="CaptureOutput">Put each run's output into its result (--json mode).</param>
/// <param name="StageTimeout">Kill a stage or assembler after this long.</param>
/// <param name="OverlayBase">Start from a cached tree through an overlay mount instead of a copy
/// (Store/OverlayTree.cs); off with <c>OSBUILD_BASE=copy</c>, for comparisons.</param>
/// <param name="NoCache">Build every tree and output again instead of reusing the store's (<c>--no-cache</c>); results are committed as usual.</param>
public sealed record BuildSettings(
    JValue.Object Sources,
    JValue.Object Secrets,
    IReadOnlySet<string> Checkpoints,
    bool CaptureOutput,
    TimeSpan? StageTimeout,
    bool OverlayBase = true,
    bool NoCache = false);
