using Engine.Protocol;
namespace Engine.Host.Plugins;

/// <summary>
/// Finds plugins by reverse-DNS name over the search path: the <c>--plugin-path</c> roots in order,
/// then <c>OSBUILD_PLUGIN_PATH</c> (colon separated), then the libdir; first match wins. A root has
/// one folder per kind; a plugin is an executable file <c>&lt;root&gt;/&lt;kind&gt;/&lt;name&gt;</c>
/// with an optional <c>&lt;name&gt;.meta.json</c> beside it.
/// </summary>
public sealed class PluginCatalog
{
    private readonly Dictionary<(string Kind, string Name), PluginInfo?> _cache = new();

    public PluginCatalog(IReadOnlyList<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        Roots = roots.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Roots in search order.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The search path from the command line, the environment and the libdir.</summary>
    public static IReadOnlyList<string> SearchPath(IEnumerable<string> pluginPaths, string? environmentValue, string libDir)
    {
        var roots = new List<string>(pluginPaths);
        if (!string.IsNullOrEmpty(environmentValue))
        {
            roots.AddRange(environmentValue.Split(':', StringSplitOptions.RemoveEmptyEntries));
        }

        roots.Add(libDir);
        return roots;
    }

    /// <summary>The first plugin of that kind and name on the search path, or null.</summary>
    /// <exception cref="PluginException">Its meta file is broken.</exception>
    public PluginInfo? Find(string kind, string name)
    {
        if (_cache.TryGetValue((kind, name), out PluginInfo? cached))
        {
            return cached;
        }

        PluginInfo? found = null;
        if (IsPlausibleName(name))
        {
            foreach (string root in Roots)
            {
                string executable = Path.Combine(root, kind, name);
                string metaPath = executable + ".meta.json";
                if (File.Exists(executable))
                {
                    found = new PluginInfo(name, kind, root, executable, File.Exists(metaPath) ? PluginMeta.Load(metaPath) : null);
                    break;
                }

                // A .NET source may be an assembly folder loaded in-process (McMaster.NETCore.Plugins).
                string assembly = Path.Combine(executable, name + ".dll");
                if (kind == PluginKind.Source && File.Exists(assembly))
                {
                    string innerMeta = Path.Combine(executable, name + ".meta.json");
                    string? meta = File.Exists(metaPath) ? metaPath : File.Exists(innerMeta) ? innerMeta : null;
                    found = new PluginInfo(name, kind, root, executable, meta is null ? null : PluginMeta.Load(meta), assembly);
                    break;
                }
            }
        }

        _cache[(kind, name)] = found;
        return found;
    }

    /// <summary>Like <see cref="Find"/>, but an unknown name is an error listing where we looked and near matches.</summary>
    /// <exception cref="PluginException">No such plugin.</exception>
    public PluginInfo Require(string kind, string name)
        => Find(kind, name) ?? throw new PluginException(NotFoundMessage(kind, name));

    /// <summary>The message for an unknown plugin: where the host looked and what is close.</summary>
    public string NotFoundMessage(string kind, string name)
    {
        string singular = PluginKind.Singular(kind);
        var near = List(kind).Select(p => p.Name)
            .Where(candidate => NearMatches.EditDistance(candidate, name) <= 3 || candidate.Contains(name.Split('.')[^1], StringComparison.OrdinalIgnoreCase))
            .Take(5)
            .ToList();
        string looked = string.Join(", ", Roots.Select(r => Path.Combine(r, kind)));
        string suggestion = near.Count > 0 ? $" Did you mean {string.Join(" or ", near)}?" : "";
        return $"no {singular} named '{name}' (looked in {looked}).{suggestion} Add a plugin root with --plugin-path, or see `osbuild plugins list`.";
    }

    /// <summary>Every plugin of a kind, the first of each name on the search path.</summary>
    public IReadOnlyList<PluginInfo> List(string kind)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string root in Roots)
        {
            string folder = Path.Combine(root, kind);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFileSystemEntries(folder))
            {
                string fileName = Path.GetFileName(file);
                if (!fileName.EndsWith(".meta.json", StringComparison.Ordinal) && IsPlausibleName(fileName))
                {
                    names.Add(fileName);
                }
            }
        }

        return names.Select(n => Find(kind, n)).OfType<PluginInfo>().ToList();
    }

    private static bool IsPlausibleName(string name)
        => name.Length > 0 && !name.Contains('/', StringComparison.Ordinal) && name != "." && name != ".." && !name.StartsWith('.');
}
