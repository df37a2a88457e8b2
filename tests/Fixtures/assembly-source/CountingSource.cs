using System.Text.Json;
using Engine.Protocol;
using Engine.Protocol.Sdk;

namespace Org.Test.AssemblySource;

/// <summary>
/// Writes one file per requested checksum (its content is the checksum), reports each as progress
/// and logs the count, and replies how many.
/// </summary>
public sealed class CountingSource : ISourcePlugin
{
    public async Task<JsonElement> FetchAsync(SourceArguments request, CancellationToken cancellationToken)
    {
        await using var reporter = SourceReporter.FromEnvironment();
        int done = 0;
        foreach (string checksum in request.Checksums)
        {
            if (checksum.StartsWith("bad:", StringComparison.Ordinal))
            {
                throw new PluginFailedException($"cannot fetch {checksum}");
            }

            await File.WriteAllTextAsync(Path.Combine(request.Output, checksum), checksum, cancellationToken);
            await reporter.ReportProgressAsync(++done, request.Checksums.Count, $"counted {checksum}", cancellationToken);
        }

        await reporter.LogAsync("info", $"counted {done} files", cancellationToken);
        return JsonSerializer.SerializeToElement(request.Checksums.Count, ProtocolJsonContextCount.Default.Int32);
    }
}
