using System.Text.Json.Nodes;
using Engine.Plugins.Builtin;
using Engine.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// org.osbuild.files: makes the files named by their checksums appear in the
/// output directory, downloading from <c>options.urls</c> what the cache does not hold yet.
/// Cache invariant: <c>&lt;cache&gt;/&lt;checksum&gt;</c> exists only with verified, complete content, so it
/// is trusted by its name and never fetched again. Concurrent runs on one cache are harmless: each
/// downloads on its own and the first verified file to be published wins.
/// </summary>
internal static class FilesSource
{
    public const string Name = "org.osbuild.files";

    /// <summary>Parallel downloads; the reference used a pool of 10 curl processes.</summary>
    private const int Parallelism = 8;

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddSource(Name, FetchAsync);

    private static async Task<JsonNode> FetchAsync(SourceArguments arguments, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(arguments.Cache) || string.IsNullOrEmpty(arguments.Output) || arguments.Checksums is null)
        {
            throw new PluginFailedException("the request lacks \"cache\", \"output\" or \"checksums\"");
        }

        Dictionary<string, string> urls = ReadUrls(arguments.Options);
        CreateDirectory(arguments.Cache, "cache");
        CreateDirectory(arguments.Output, "output");
        StagedFile.SweepAbandoned(arguments.Cache);

        // All unknown checksums are refused before any download starts, the first one named.
        foreach (string checksum in arguments.Checksums)
        {
            if (!urls.ContainsKey(checksum))
            {
                throw new PluginFailedException($"unknown file: {checksum}");
            }
        }

        List<string> wanted = arguments.Checksums.Distinct(StringComparer.Ordinal).ToList();
        using var tls = TlsSecrets.Read(arguments.Secrets);
        await using var progress = DownloadProgress.Start(wanted.Count);
        using var downloader = new Downloader(tls, progress);

        // Every file is tried even when one fails, so that the error reported is the first in request
        // order (as the reference does) and not whichever lost a race.
        var failures = new string?[wanted.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, wanted.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                string checksum = wanted[index];
                try
                {
                    await ProvideAsync(FileChecksum.Parse(checksum, urls[checksum]), urls[checksum], arguments, downloader, token).ConfigureAwait(false);
                    progress.FileDone();
                }
                catch (PluginFailedException e)
                {
                    failures[index] = e.Message;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The cache or output directory failed us (full disk, permissions…), not the download.
                    failures[index] = $"{checksum} from {urls[checksum]}: {ErrorText.External(e) ?? ErrorText.ForFile(e, arguments.Cache)}";
                }
            }).ConfigureAwait(false);

        if (failures.FirstOrDefault(f => f is not null) is string failure)
        {
            throw new PluginFailedException(failure);
        }

        return new JsonObject();
    }

    /// <summary>Ensures the file is in the cache (downloading if needed), then copies it to the output.</summary>
    private static async Task ProvideAsync(FileChecksum checksum, string url, SourceArguments arguments, Downloader downloader, CancellationToken cancellationToken)
    {
        string cachePath = Path.Combine(arguments.Cache, checksum.Text);
        string outputPath = Path.Combine(arguments.Output, checksum.Text);
        if (TryOpenCached(cachePath) is SafeFileHandle cached)
        {
            using (cached)
            {
                OutputCopier.Copy(cached, RandomAccess.GetLength(cached), outputPath);
            }

            return;
        }

        using var staged = StagedFile.Create(arguments.Cache);
        string actual = await downloader.DownloadAsync(url, checksum, staged, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, checksum.Hex, StringComparison.Ordinal))
        {
            throw new PluginFailedException($"checksum mismatch: {checksum.Text} {url}: the server's file has {checksum.Algorithm}:{actual}");
        }

        staged.Publish(cachePath, durable: true);
        OutputCopier.Copy(staged.Handle, RandomAccess.GetLength(staged.Handle), outputPath);
    }

    /// <summary>A cache entry is a regular file (symlinks followed); anything else is not one.</summary>
    private static SafeFileHandle? TryOpenCached(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // UnauthorizedAccessException is what .NET reports for a directory of that name.
            return null;
        }
    }

    private static Dictionary<string, string> ReadUrls(JsonElement options)
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.ValueKind == JsonValueKind.Object && options.TryGetProperty("urls", out JsonElement map))
        {
            if (map.ValueKind != JsonValueKind.Object)
            {
                throw new PluginFailedException($"options.urls must be an object mapping checksums to URLs, not {JsonKinds.Describe(map)}");
            }

            foreach (JsonProperty entry in map.EnumerateObject())
            {
                urls[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                    ? entry.Value.GetString()!
                    : throw new PluginFailedException($"options.urls[\"{entry.Name}\"] must be a URL string, not {JsonKinds.Describe(entry.Value)}");
            }
        }

        return urls;
    }

    private static void CreateDirectory(string path, string what)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginFailedException($"cannot create the {what} directory: {ErrorText.ForFile(e, path)}");
        }
    }
}
