using System.Text.Json;

namespace Engine.Protocol;

/// <summary>
/// A source written in .NET and dropped in as an assembly folder
/// (<c>&lt;root&gt;/sources/&lt;name&gt;/&lt;name&gt;.dll</c>) instead of an executable: the host loads it
/// in-process, in its own load context, and calls it for every <c>sources.get</c> naming it. The
/// contract is the same as for a source program (docs/protocol.md §5), without the process.
/// </summary>
public interface ISourcePlugin
{
    /// <summary>Fetches <see cref="SourceArguments.Checksums"/> into <see cref="SourceArguments.Output"/>.</summary>
    /// <returns>The reply for the stage (e.g. an empty object).</returns>
    /// <exception cref="Sdk.PluginFailedException">The fetch failed; the message reaches the stage.</exception>
    Task<JsonElement> FetchAsync(SourceArguments request, CancellationToken cancellationToken);
}
