using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Host.Plugins;

namespace Engine.Host.Store;

/// <summary>
/// Which plugin files made each stored object: <c>STORE/provenance/&lt;id&gt;.json</c> maps each
/// plugin name to the SHA-256 of the file that ran (the symlink's target for built-in plugins),
/// with its size and mtime so that an unchanged file is recognised without hashing it again.
/// Ids depend on names and options only, as in osbuild, so after a plugin is edited the same
/// manifest reuses the cached object; this record is how the host can say so. Objects made by
/// osbuild or by an engine without this record have none, and nothing is said about them.
/// </summary>
public sealed class PluginProvenance(ObjectStore store)
{
    private readonly Dictionary<string, Fingerprint> _fingerprints = new(StringComparer.Ordinal);

    private string Directory => store.ProvenanceDirectory;

    /// <summary>A plugin file as it was: content digest, and the stat fields that spare rehashing it.</summary>
    private sealed record Fingerprint(string Sha256, long Size, long MtimeTicks);

    /// <summary>Records that <paramref name="plugins"/> made the object <paramref name="id"/> (replacing any older record).</summary>
    public void Record(string id, IEnumerable<PluginInfo> plugins)
    {
        var record = new JsonObject();
        foreach (PluginInfo plugin in plugins.DistinctBy(p => p.Name).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (Current(plugin) is Fingerprint fingerprint)
            {
                record[plugin.Name] = new JsonObject
                {
                    ["sha256"] = fingerprint.Sha256,
                    ["size"] = fingerprint.Size,
                    ["mtime"] = fingerprint.MtimeTicks,
                };
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, id + ".json");
        string temporary = path + $".tmp-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        File.WriteAllText(temporary, record.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The plugins among <paramref name="plugins"/> whose file differs from the one recorded as
    /// having made <paramref name="id"/>; empty when there is no record or nothing changed.
    /// </summary>
    public IReadOnlyList<string> ChangedSince(string id, IEnumerable<PluginInfo> plugins)
    {
        JsonObject? record = Load(id);
        if (record is null)
        {
            return [];
        }

        var changed = new List<string>();
        foreach (PluginInfo plugin in plugins.DistinctBy(p => p.Name))
        {
            if (record[plugin.Name] is not JsonObject recorded)
            {
                continue;
            }

            string? sha256 = recorded["sha256"]?.GetValue<string>();
            FileInfo? file = Resolve(plugin);
            bool sameStat = file is not null
                && recorded["size"]?.GetValue<long>() == file.Length
                && recorded["mtime"]?.GetValue<long>() == file.LastWriteTimeUtc.Ticks;
            if (!sameStat && Current(plugin)?.Sha256 != sha256)
            {
                changed.Add(plugin.Name);
            }
        }

        return changed;
    }

    private JsonObject? Load(string id)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, id + ".json"))) as JsonObject;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // no record (an object from osbuild or an older engine) or an unreadable one: say nothing
        }
    }

    private Fingerprint? Current(PluginInfo plugin)
    {
        FileInfo? file = Resolve(plugin);
        if (file is null)
        {
            return null;
        }

        if (!_fingerprints.TryGetValue(file.FullName, out Fingerprint? fingerprint))
        {
            using FileStream stream = file.OpenRead();
            string digest = Convert.ToHexStringLower(SHA256.HashData(stream));
            fingerprint = new Fingerprint(digest, file.Length, file.LastWriteTimeUtc.Ticks);
            _fingerprints[file.FullName] = fingerprint;
        }

        return fingerprint;
    }

    /// <summary>The file that runs: an assembly source's main assembly, else the executable with symlinks resolved.</summary>
    private static FileInfo? Resolve(PluginInfo plugin)
    {
        var file = new FileInfo(plugin.AssemblyPath ?? plugin.ExecutablePath);
        if (file.LinkTarget is not null)
        {
            file = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        }

        return file.Exists ? file : null;
    }
}
