using System.Security.Cryptography;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Builds;

/// <summary>
/// Artifacts on the API's disk. A worker's upload goes to <c>attempts/N/partial/</c>, is hashed as it
/// is written, and only a complete file with the announced SHA-256 is renamed into
/// <c>attempts/N/output/NAME</c>. When the attempt decides the build, that whole directory is renamed
/// to <c>artifacts/</c>: clients see every file of one attempt, or none; an attempt killed halfway
/// leaves only its own attempt directory, which is removed when the build ends.
/// </summary>
internal sealed class ArtifactStore(BuildRepository repository)
{
    internal enum UploadResult
    {
        Stored,
        ChecksumMismatch,
        SizeMismatch,
    }

    public string PublishedPath(string id, string name) => Path.Combine(repository.ArtifactsDirectory(id), name);

    public async Task<UploadResult> ReceiveAsync(string id, int attempt, string name, string sha256, long? length, Stream body, CancellationToken cancellationToken)
    {
        string attemptDir = repository.AttemptDirectory(id, attempt);
        string partial = Path.Combine(attemptDir, "partial", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long written = 0;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                byte[] buffer = new byte[1 << 20];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    written += read;
                }

                file.Flush(flushToDisk: true);
            }

            if (length is long expected && expected != written)
            {
                return UploadResult.SizeMismatch;
            }

            if (!string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), sha256, StringComparison.OrdinalIgnoreCase))
            {
                return UploadResult.ChecksumMismatch;
            }

            string target = Path.Combine(attemptDir, "output", name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(partial, target, overwrite: true);
            return UploadResult.Stored;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// The files of <paramref name="artifacts"/> an attempt did not upload (or with another size);
    /// empty when the attempt's output is complete.
    /// </summary>
    public IReadOnlyList<string> Missing(string id, int attempt, IReadOnlyList<ArtifactInfo> artifacts)
    {
        string output = Path.Combine(repository.AttemptDirectory(id, attempt), "output");
        return [.. artifacts
            .Where(a => !ArtifactNames.IsValid(a.Name) || new FileInfo(Path.Combine(output, a.Name)) is not { Exists: true } file || file.Length != a.Size)
            .Select(a => a.Name)];
    }

    /// <summary>Makes an attempt's uploads the build's artifacts, in one rename. Call under the build's lock.</summary>
    public void Publish(string id, int attempt)
    {
        string output = Path.Combine(repository.AttemptDirectory(id, attempt), "output");
        Directory.CreateDirectory(output);
        string published = repository.ArtifactsDirectory(id);
        if (Directory.Exists(published))
        {
            Directory.Delete(published, recursive: true); // left by a publication whose record was never saved
        }

        Directory.Move(output, published);
    }

    /// <summary>Removes every attempt's uploads (the build ended; what was published was moved out before).</summary>
    public void RemoveAttempts(string id)
    {
        string attempts = Path.Combine(repository.BuildDirectory(id), "attempts");
        if (Directory.Exists(attempts))
        {
            Directory.Delete(attempts, recursive: true);
        }
    }
}
