using Engine.Protocol;
namespace Engine.Plugins.Stages.Debootstrap;

/// <summary>
/// The build host's apt sources, read to find a default mirror so that no archive address is ever
/// written into code or manifests. The stage's container has a private /etc, so the host mounts its
/// own apt sources read-only at <see cref="DefaultDirectory"/> (<c>sources.list</c> and
/// <c>sources.list.d/</c>), in the layout apt uses under /etc/apt.
/// Files are read in apt's order: <c>sources.list</c>, then <c>sources.list.d/*.list</c> and
/// <c>*.sources</c> sorted by name; other names (e.g. <c>*.disabled</c>) are ignored, as apt does.
/// </summary>
internal static class HostAptSources
{
    public const string DefaultDirectory = ContainerPaths.HostApt;

    /// <summary>Every binary ("deb") entry, in apt's order.</summary>
    public static IReadOnlyList<AptSourceEntry> Read(string directory)
    {
        var entries = new List<AptSourceEntry>();
        string list = Path.Combine(directory, "sources.list");
        if (File.Exists(list))
        {
            entries.AddRange(ParseOneLineStyle(File.ReadAllText(list), list));
        }

        string parts = Path.Combine(directory, "sources.list.d");
        if (Directory.Exists(parts))
        {
            foreach (string file in Directory.GetFiles(parts).Order(StringComparer.Ordinal))
            {
                if (file.EndsWith(".list", StringComparison.Ordinal))
                {
                    entries.AddRange(ParseOneLineStyle(File.ReadAllText(file), file));
                }
                else if (file.EndsWith(".sources", StringComparison.Ordinal))
                {
                    entries.AddRange(ParseDeb822(File.ReadAllText(file), file));
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// The mirror for <paramref name="suite"/>: the first entry that lists that suite, else the
    /// first entry at all (a bookworm host building trixie still has the right archive); only
    /// URIs debootstrap can fetch from (http, https, file) count.
    /// </summary>
    public static AptSourceEntry? ChooseMirror(IReadOnlyList<AptSourceEntry> entries, string suite)
    {
        var usable = entries.Where(e => IsFetchable(e.Uri)).ToList();
        return usable.FirstOrDefault(e => e.Suites.Contains(suite, StringComparer.Ordinal)) ?? usable.FirstOrDefault();
    }

    private static bool IsFetchable(string uri)
        => uri.StartsWith("http://", StringComparison.Ordinal)
            || uri.StartsWith("https://", StringComparison.Ordinal)
            || uri.StartsWith("file:/", StringComparison.Ordinal);

    /// <summary><c>deb [options] uri suite [component...]</c>, one per line; <c>#</c> starts a comment.</summary>
    internal static IEnumerable<AptSourceEntry> ParseOneLineStyle(string text, string origin)
    {
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine;
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            // Options are one bracketed group ("[arch=amd64 signed-by=...]") that may contain spaces.
            int open = line.IndexOf('[', StringComparison.Ordinal);
            int close = line.IndexOf(']', StringComparison.Ordinal);
            if (open >= 0 && close > open)
            {
                line = line[..open] + " " + line[(close + 1)..];
            }

            string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "deb")
            {
                yield return new AptSourceEntry(words[1], [words[2]], origin);
            }
        }
    }

    /// <summary>deb822 paragraphs (<c>Types:</c>, <c>URIs:</c>, <c>Suites:</c>, <c>Enabled:</c>) separated by blank lines.</summary>
    internal static IEnumerable<AptSourceEntry> ParseDeb822(string text, string origin)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (string rawLine in text.Split('\n').Append(""))
        {
            string line = rawLine.TrimEnd('\r');
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.Trim().Length == 0)
            {
                foreach (AptSourceEntry entry in FromParagraph(fields, origin))
                {
                    yield return entry;
                }

                fields.Clear();
                last = null;
                continue;
            }

            if ((line.StartsWith(' ') || line.StartsWith('\t')) && last is not null)
            {
                fields[last] += " " + line.Trim();
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                last = line[..colon].Trim();
                fields[last] = line[(colon + 1)..].Trim();
            }
        }
    }

    private static IEnumerable<AptSourceEntry> FromParagraph(Dictionary<string, string> fields, string origin)
    {
        static string[] Words(string? value) => (value ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.TryGetValue("Enabled", out string? enabled) && enabled.Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        if (!Words(fields.GetValueOrDefault("Types")).Contains("deb"))
        {
            return [];
        }

        string[] suites = Words(fields.GetValueOrDefault("Suites"));
        return Words(fields.GetValueOrDefault("URIs")).Select(uri => new AptSourceEntry(uri, suites, origin)).ToList();
    }
}

/// <summary>One archive of the host's apt configuration.</summary>
/// <param name="Uri">The archive's base URI.</param>
/// <param name="Suites">The suites the host uses from it.</param>
/// <param name="Origin">The file it came from, for messages.</param>
internal sealed record AptSourceEntry(string Uri, IReadOnlyList<string> Suites, string Origin);
