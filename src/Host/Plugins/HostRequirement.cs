using System.Text.Json.Nodes;

namespace Engine.Host.Plugins;

/// <summary>
/// One entry of a meta file's <c>requires</c> list: a program the plugin runs and the Debian
/// package that provides it, e.g. <c>{"command": "mkfs.ext4", "package": "e2fsprogs"}</c>. An entry
/// with <c>when</c> (plain words: "with a filesystem of type xfs") is needed only for some options:
/// it is shown by <c>osbuild plugins describe</c> and packaging, but not checked before a build.
/// </summary>
public sealed record HostRequirement(string Command, string Package, string? When)
{
    /// <summary>Whether every run of the plugin needs the program (checked before a build starts).</summary>
    public bool Always => When is null;

    /// <summary>Reads the <c>requires</c> member of the meta file at <paramref name="path"/>; null when it has none.</summary>
    /// <exception cref="PluginException">The list or one of its entries has the wrong shape.</exception>
    public static IReadOnlyList<HostRequirement>? Load(JsonNode? requires, string path)
    {
        if (requires is null)
        {
            return null;
        }

        const string Shape = "a list of {\"command\": PROGRAM, \"package\": DEBIAN PACKAGE, \"when\": optional condition in words}";
        if (requires is not JsonArray entries)
        {
            throw new PluginException($"{path}: \"requires\" must be {Shape}");
        }

        var list = new List<HostRequirement>();
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not JsonObject entry
                || Text(entry["command"]) is not string command || command.Length == 0
                || Text(entry["package"]) is not string package || package.Length == 0
                || (entry["when"] is not null && Text(entry["when"]) is null)
                || entry.Any(member => member.Key is not ("command" or "package" or "when")))
            {
                throw new PluginException($"{path}: \"requires\"[{i}] is {entries[i]?.ToJsonString() ?? "null"}; each entry must be {Shape}");
            }

            list.Add(new HostRequirement(command, package, Text(entry["when"])));
        }

        return list;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
