using System.Text.Json;
using Engine.Protocol;
using Engine.Protocol.Sdk;

namespace Org.Test.AssemblySource;

/// <summary>Writes one file per requested checksum (its content is the checksum) and says how many.</summary>
public sealed class CountingSource : ISourcePlugin
{
    public async Task<JsonElement> FetchAsync(SourceArguments request, CancellationToken cancellationToken)
    {
        foreach (string checksum in request.Checksums)
        {
            if (checksum.StartsWith("bad:", StringComparison.Ordinal))
            {
                throw new PluginFailedException($"cannot fetch {checksum}");
            }

            await File.WriteAllTextAsync(Path.Combine(request.Output, checksum), checksum, cancellationToken);
        }

        return JsonSerializer.SerializeToElement(request.Checksums.Count, ProtocolJsonContextCount.Default.Int32);
    }
}
