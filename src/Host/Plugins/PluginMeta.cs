using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Host.Plugins;

/// <summary>
/// A plugin's <c>NAME.meta.json</c>, read without running the plugin: a one-line summary, a
/// description (list of lines), the protocol version it speaks, the JSON schema of its options and
/// the programs it runs from the tree it runs in (<see cref="Requires"/>).
/// </summary>
public sealed record PluginMeta(string Summary, IReadOnlyList<string> Description, int? Protocol, JsonNode? Schema, string FilePath, string RawText)
{
    /// <summary>
    /// The <c>requires</c> list: programs the plugin runs from the build root (the host's own tree
    /// when a pipeline has no build pipeline) and the Debian package of each; null when the meta
    /// file does not say (third-party plugins written before the list existed).
    /// </summary>
    public IReadOnlyList<HostRequirement>? Requires { get; init; }

    /// <summary>The version a meta file without <c>protocol</c> speaks: 1, the first and so far only one.</summary>
    public const int DefaultProtocol = 1;

    /// <summary>The declared version, or <see cref="DefaultProtocol"/>.</summary>
    public int EffectiveProtocol => Protocol ?? DefaultProtocol;

    /// <summary>Reads and checks a meta file.</summary>
    /// <exception cref="PluginException">The file is not valid JSON or has the wrong shape.</exception>
    public static PluginMeta Load(string path)
    {
        string text = File.ReadAllText(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PluginException($"{path}: the meta file is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject obj)
        {
            throw new PluginException($"{path}: the meta file must be an object {{\"summary\", \"description\", \"protocol\", \"schema\"}}");
        }

        string summary = obj["summary"] is JsonValue s && s.TryGetValue(out string? summaryText) ? summaryText : "";
        var description = new List<string>();
        switch (obj["description"])
        {
            case JsonArray lines:
                description.AddRange(lines.Select(l => l?.ToString() ?? ""));
                break;
            case JsonValue line when line.TryGetValue(out string? single):
                description.Add(single);
                break;
        }

        // Absent means version 1, the only one there has been (docs/protocol.md §6); anything but a
        // whole number is a mistake worth stopping for.
        int? protocol = obj["protocol"] switch
        {
            null => null,
            JsonValue p when p.TryGetValue(out int version) => version,
            JsonNode other => throw new PluginException($"{path}: \"protocol\" must be a whole number (the protocol version, 1), not {other.ToJsonString()}"),
        };
        JsonNode? schema = obj["schema"];
        if (schema is not null and not JsonObject)
        {
            throw new PluginException($"{path}: \"schema\" must be a JSON schema object");
        }

        return new PluginMeta(summary, description, protocol, schema?.DeepClone(), path, text) { Requires = HostRequirement.Load(obj["requires"], path) };
    }
}
