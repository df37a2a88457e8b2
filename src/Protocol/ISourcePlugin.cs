using System.Text.Json;

namespace Engine.Protocol;

/// <summary>
/// A source written in .NET and dropped in as an assembly folder
/// (<c>&lt;root&gt;/sources/&lt;name&gt;/&lt;name&gt;.dll</c>) instead of an executable. For every
/// <c>sources.get</c> naming it, the host runs the engine's <c>osbuild-assembly-source</c> program,
/// which loads the assembly in a load context of its own and calls this (docs/protocol.md §5).
/// Progress and log lines go through <see cref="Sdk.SourceReporter"/>.
/// </summary>
public interface ISourcePlugin
{
    /// <summary>Fetches <see cref="SourceArguments.Checksums"/> into <see cref="SourceArguments.Output"/>.</summary>
    /// <returns>The reply for the stage (e.g. an empty object).</returns>
    /// <exception cref="Sdk.PluginFailedException">The fetch failed; the message reaches the stage.</exception>
    Task<JsonElement> FetchAsync(SourceArguments request, CancellationToken cancellationToken);
}
