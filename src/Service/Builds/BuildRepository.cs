using System.Collections.Concurrent;
using System.Text.Json;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Builds;

/// <summary>
/// The builds the API knows, one directory each under <c>DATA/builds/ID/</c>:
/// <c>build.json</c> (the <see cref="BuildRecord"/>), <c>manifest.json</c>, <c>sources.json</c>,
/// <c>secrets.json</c> (mode 0600, deleted when the build ends), <c>logs/N.log</c> (one per attempt),
/// <c>attempts/N/</c> (uploads of attempt N) and <c>artifacts/</c> (the published output: a rename of
/// the deciding attempt's uploads, so it appears whole or not at all).
/// Every change of a record goes through <see cref="UpdateAsync"/>, serialized per build, and is on
/// disk (written to a temporary file, flushed, renamed) before the caller answers anyone: an API
/// restarted at any point finds every build as it last told a client or a worker.
/// </summary>
internal sealed class BuildRepository
{
    private readonly string _root;
    private readonly ConcurrentDictionary<string, BuildRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public BuildRepository(string dataDirectory)
    {
        _root = Path.Combine(dataDirectory, "builds");
        Directory.CreateDirectory(_root);
        foreach (string dir in Directory.EnumerateDirectories(_root))
        {
            string file = Path.Combine(dir, "build.json");
            if (BuildIds.IsWellFormed(Path.GetFileName(dir)) && File.Exists(file))
            {
                BuildRecord? record = JsonSerializer.Deserialize(File.ReadAllBytes(file), ServiceJson.Default.BuildRecord);
                if (record is not null)
                {
                    _records[record.Id] = record;
                }
            }
        }
    }

    public IEnumerable<BuildRecord> All => _records.Values;

    public BuildRecord? Get(string id) => _records.GetValueOrDefault(id);

    public string BuildDirectory(string id) => Path.Combine(_root, id);

    public string ManifestPath(string id) => Path.Combine(_root, id, "manifest.json");

    public string SourcesPath(string id) => Path.Combine(_root, id, "sources.json");

    public string SecretsPath(string id) => Path.Combine(_root, id, "secrets.json");

    public string LogPath(string id, int attempt) => Path.Combine(_root, id, "logs", $"{attempt}.log");

    public string AttemptDirectory(string id, int attempt) => Path.Combine(_root, id, "attempts", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public string ArtifactsDirectory(string id) => Path.Combine(_root, id, "artifacts");

    /// <summary>Saves a new build with its inputs. Secrets are written readable by the owner only.</summary>
    public async Task CreateAsync(BuildRecord record, byte[] manifest, byte[]? sources, byte[]? secrets, CancellationToken cancellationToken)
    {
        string dir = BuildDirectory(record.Id);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        await File.WriteAllBytesAsync(ManifestPath(record.Id), manifest, cancellationToken);
        if (sources is not null)
        {
            await File.WriteAllBytesAsync(SourcesPath(record.Id), sources, cancellationToken);
        }

        if (secrets is not null)
        {
            await using var stream = new FileStream(SecretsPath(record.Id), new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await stream.WriteAsync(secrets, cancellationToken);
        }

        await SaveAsync(record, cancellationToken);
        _records[record.Id] = record;
    }

    /// <summary>
    /// Changes a build under its lock: <paramref name="change"/> gets the current record and returns
    /// the new one (an equal record changes nothing) with a result for the caller. File moves that
    /// must not race a change of the record happen inside <paramref name="change"/>.
    /// </summary>
    public async Task<(BuildRecord Record, T Result)> UpdateAsync<T>(string id, Func<BuildRecord, ValueTask<(BuildRecord Record, T Result)>> change, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            BuildRecord current = _records.GetValueOrDefault(id)
                ?? throw new KeyNotFoundException($"build {id} is not known");
            (BuildRecord updated, T result) = await change(current);
            if (!updated.Equals(current))
            {
                await SaveAsync(updated, CancellationToken.None);
                _records[id] = updated;
            }

            return (updated, result);
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<(BuildRecord Record, T Result)> UpdateAsync<T>(string id, Func<BuildRecord, (BuildRecord Record, T Result)> change, CancellationToken cancellationToken)
        => UpdateAsync(id, record => ValueTask.FromResult(change(record)), cancellationToken);

    /// <summary>Forgets a build and deletes its directory (retention).</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            _records.TryRemove(id, out _);
            string dir = BuildDirectory(id);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task SaveAsync(BuildRecord record, CancellationToken cancellationToken)
    {
        string file = Path.Combine(BuildDirectory(record.Id), "build.json");
        string temporary = file + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, record, ServiceJson.Default.BuildRecord, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
    }
}
