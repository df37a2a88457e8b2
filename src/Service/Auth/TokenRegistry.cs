using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Engine.Service.Auth;

/// <summary>
/// Maps a presented token to its <see cref="Caller"/> by the token's SHA-256. Loaded once from the
/// tokens file; the one-process mode adds an ephemeral worker token that never touches the disk.
/// </summary>
internal sealed class TokenRegistry
{
    private readonly Dictionary<string, Caller> _byHash;

    private TokenRegistry(Dictionary<string, Caller> byHash) => _byHash = byHash;

    public int Count => _byHash.Count;

    public Caller? Find(string token)
        => token.Length == 0 ? null : _byHash.GetValueOrDefault(Hash(token));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A random token: 32 bytes, hex.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public TokenRegistry With(string token, Caller caller)
        => new(new Dictionary<string, Caller>(_byHash, StringComparer.Ordinal) { [Hash(token)] = caller });

    /// <summary>Reads the tokens file; every problem is reported at once, each with its place in the file.</summary>
    public static TokenRegistry Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ServiceConfigurationException($"tokens file {path} does not exist: create it (docs/service.md, \"Tokens\") or give another with --tokens");
        }

        TokensDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllBytes(path), ServiceJson.Default.TokensDocument);
        }
        catch (JsonException e)
        {
            throw new ServiceConfigurationException($"tokens file {path} is not valid JSON: {e.Message}");
        }

        var errors = new List<string>();
        var byHash = new Dictionary<string, Caller>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (document is null || (document.Clients is null && document.Workers is null))
        {
            errors.Add("it has neither \"clients\" nor \"workers\"");
        }

        for (int i = 0; i < (document?.Clients?.Count ?? 0); i++)
        {
            ClientTokenEntry entry = document!.Clients![i];
            string where = $"clients[{i}]";
            IReadOnlyList<string> allow = entry.AllowPlugins ?? ["*"];
            IReadOnlyList<string> deny = entry.DenyPlugins ?? [];
            foreach (string pattern in allow.Concat(deny).Where(p => !PluginPolicy.IsValidPattern(p)))
            {
                errors.Add($"{where}: plugin pattern \"{pattern}\" is not a name or a prefix ending in *");
            }

            Add(where, entry.Name, entry.Sha256, name => new Caller(name, CallerRole.Client, new PluginPolicy(allow, deny)));
        }

        for (int i = 0; i < (document?.Workers?.Count ?? 0); i++)
        {
            WorkerTokenEntry entry = document!.Workers![i];
            Add($"workers[{i}]", entry.Name, entry.Sha256, name => new Caller(name, CallerRole.Worker, PluginPolicy.Everything));
        }

        return errors.Count == 0
            ? new TokenRegistry(byHash)
            : throw new ServiceConfigurationException($"tokens file {path} has problems:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));

        void Add(string where, string? name, string? sha256, Func<string, Caller> make)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{where}.name is missing");
                return;
            }

            if (!names.Add(name))
            {
                errors.Add($"{where}.name \"{name}\" is used twice: each token needs its own name");
            }

            if (sha256 is null || sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
            {
                errors.Add($"{where}.sha256 must be the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum)");
                return;
            }

            if (!byHash.TryAdd(sha256.ToLowerInvariant(), make(name)))
            {
                errors.Add($"{where}.sha256 is the hash of a token listed before: tokens must differ");
            }
        }
    }
}
