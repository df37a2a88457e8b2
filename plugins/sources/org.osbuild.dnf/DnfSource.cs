using System.Text.Json.Nodes;
using Engine.Plugins.Builtin;
using Engine.Protocol;

namespace Engine.Plugins.Sources.Dnf;

/// <summary>
/// org.osbuild.dnf: turns repo checksums from dnf stage options into repo
/// descriptions, joining the URL and keys of the sources configuration with the TLS client
/// material of the secrets, which never enter the manifest. Uses neither cache nor output.
/// </summary>
internal static class DnfSource
{
    public const string Name = "org.osbuild.dnf";

    /// <summary>When a repo has several URL keys, the first of this list wins.</summary>
    private static readonly string[] s_urlKeys = ["baseurl", "mirrorlist", "metalink"];

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddSource(Name, (arguments, _) => Task.FromResult(Resolve(arguments)));

    private static JsonNode Resolve(SourceArguments arguments)
    {
        JsonElement repos = Member(arguments.Options, "repos", "options");
        JsonElement secretRepos = Member(arguments.Secrets, "repos", "secrets");
        var reply = new JsonArray();
        foreach (string checksum in arguments.Checksums ?? [])
        {
            if (repos.ValueKind != JsonValueKind.Object || !repos.TryGetProperty(checksum, out JsonElement repo))
            {
                throw new PluginFailedException($"source unknown: {checksum}");
            }

            if (repo.ValueKind != JsonValueKind.Object)
            {
                throw new PluginFailedException($"options.repos[\"{checksum}\"] must be an object, not {JsonKinds.Describe(repo)}");
            }

            var result = new JsonObject { ["checksum"] = checksum };
            // The reference printed an error *and* the array for a repo without a URL, which the
            // engine saw as malformed JSON; this port reports the error alone.
            string urlKey = s_urlKeys.FirstOrDefault(key => repo.TryGetProperty(key, out _))
                ?? throw new PluginFailedException($"repo {checksum} is missing baseurl, mirrorlist, or metalink key");
            Copy(repo, urlKey, result);
            Copy(repo, "sslcacert", result);
            Copy(repo, "gpgkey", result);
            if (secretRepos.ValueKind == JsonValueKind.Object && secretRepos.TryGetProperty(checksum, out JsonElement secret)
                && secret.ValueKind == JsonValueKind.Object)
            {
                Copy(secret, "sslclientcert", result);
                Copy(secret, "sslclientkey", result);
            }

            reply.Add((JsonNode)result);
        }

        return reply;
    }

    private static void Copy(JsonElement from, string key, JsonObject to)
    {
        if (from.TryGetProperty(key, out JsonElement value))
        {
            to[key] = JsonNode.Parse(value.GetRawText());
        }
    }

    /// <summary><c>value[key]</c>, or Undefined when either is absent (the host sends <c>{}</c> for a missing entry).</summary>
    private static JsonElement Member(JsonElement value, string key, string what)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return default;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new PluginFailedException($"{what} must be an object with \"{key}\", not {JsonKinds.Describe(value)}");
        }

        return value.TryGetProperty(key, out JsonElement member) ? member : default;
    }
}
