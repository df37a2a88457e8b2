using System.Globalization;
using System.Text.RegularExpressions;

namespace Engine.Host.Debian;

/// <summary>
/// Reads the output of <c>apt-get install --print-uris</c> with <c>Acquire::ForceHash=SHA256</c>:
/// one line per package, <c>'URL' FILENAME SIZE SHA256:HEX</c>. Other lines (apt's summary) are
/// not packages and are skipped.
/// </summary>
internal static partial class PrintUrisParser
{
    public static IReadOnlyList<ResolvedDeb> Parse(string output)
    {
        var debs = new List<ResolvedDeb>();
        foreach (string line in output.Split('\n'))
        {
            Match match = UriLine().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            string hash = match.Groups["hash"].Value;
            if (!hash.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
            {
                // ForceHash makes apt name the SHA-256 or fail; any other hash means the index had none.
                throw new DepsolveException($"apt gave no SHA-256 for {match.Groups["file"].Value} (it gave '{hash}'): the archive's Packages index must carry SHA256 fields");
            }

            debs.Add(new ResolvedDeb(
                match.Groups["url"].Value,
                match.Groups["file"].Value,
                long.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture),
                "sha256:" + hash["SHA256:".Length..].ToLowerInvariant()));
        }

        return debs;
    }

    [GeneratedRegex(@"^'(?<url>[^']+)' (?<file>\S+\.deb) (?<size>\d+) (?<hash>\S+)$")]
    private static partial Regex UriLine();
}
