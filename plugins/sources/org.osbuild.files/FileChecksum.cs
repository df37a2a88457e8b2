using System.Security.Cryptography;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// A requested checksum, <c>&lt;algo&gt;:&lt;hex&gt;</c>. The whole string names the file in the cache
/// and in the output, so it is checked strictly before it becomes a path: a known algorithm and
/// exactly as many hex digits as that algorithm's digest has.
/// </summary>
internal sealed record FileChecksum(string Text, string Algorithm, HashAlgorithmName HashName, string Hex)
{
    private static readonly Dictionary<string, (HashAlgorithmName Name, int Bytes)> s_algorithms = new(StringComparer.Ordinal)
    {
        ["md5"] = (HashAlgorithmName.MD5, 16),
        ["sha1"] = (HashAlgorithmName.SHA1, 20),
        ["sha256"] = (HashAlgorithmName.SHA256, 32),
        ["sha384"] = (HashAlgorithmName.SHA384, 48),
        ["sha512"] = (HashAlgorithmName.SHA512, 64),
    };

    /// <summary>Parses <paramref name="text"/>; <paramref name="url"/> only makes the error say where it came from.</summary>
    /// <exception cref="PluginFailedException">Unknown algorithm, or not <c>algo:hex</c> of the right length.</exception>
    public static FileChecksum Parse(string text, string url)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new PluginFailedException($"invalid checksum: {text} (for {url}): expected <algorithm>:<hex digest>, e.g. sha256:…");
        }

        string algorithm = text[..colon];
        string hex = text[(colon + 1)..];
        if (!s_algorithms.TryGetValue(algorithm, out var known))
        {
            throw new PluginFailedException(
                $"unsupported checksum algorithm: {algorithm} (checksum {text}, url {url}); use one of {string.Join(", ", s_algorithms.Keys)}");
        }

        if (hex.Length != known.Bytes * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new PluginFailedException(
                $"invalid checksum: {text} (for {url}): a {algorithm} digest is {known.Bytes * 2} hex digits");
        }

        return new FileChecksum(text, algorithm, known.Name, hex.ToLowerInvariant());
    }

    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(HashName);
}
