using System.Security.Cryptography;
using System.Text.Json;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Worker;

/// <summary>
/// The files of a build's output: osbuild leaves them in <c>STORE/refs/OUTPUT_ID/</c> (a link to the
/// stored object). Every regular file below it is an artifact, named by its path relative to it.
/// </summary>
internal static class ArtifactCollector
{
    internal sealed record Artifact(ArtifactInfo Info, string Path);

    public static async Task<IReadOnlyList<Artifact>> CollectAsync(string store, JsonElement result, CancellationToken cancellationToken)
    {
        string? outputId = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("output_id", out JsonElement id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        if (outputId is null)
        {
            return []; // a manifest without an assembler has no output
        }

        string root = Path.Combine(store, "refs", outputId);
        if (!Directory.Exists(root))
        {
            throw new InvalidOperationException($"osbuild reported output {outputId}, but {root} does not exist");
        }

        var artifacts = new List<Artifact>();
        foreach (string file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
            byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken);
            artifacts.Add(new Artifact(new ArtifactInfo(name, stream.Length, Convert.ToHexStringLower(hash)), file));
        }

        return artifacts;
    }
}
