namespace Engine.Host.Plugins;

/// <summary>Names close to one a user mistyped, for "did you mean" hints.</summary>
internal static class NearMatches
{
    /// <summary>The candidates within <paramref name="maxDistance"/> edits of <paramref name="name"/>, closest first.</summary>
    public static IReadOnlyList<string> Find(string name, IEnumerable<string> candidates, int maxDistance = 3)
        => [.. candidates
            .Select(candidate => (Candidate: candidate, Distance: EditDistance(candidate, name)))
            .Where(c => c.Distance <= maxDistance)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)];

    /// <summary>Levenshtein distance: insertions, deletions and substitutions of one character each.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
