using System.Text.Json.Nodes;
using Engine.Host.Plugins;
using Engine.Protocol;

namespace Engine.Host.Cli;

/// <summary><c>osbuild plugins list</c> and <c>osbuild plugins describe NAME</c>.</summary>
internal sealed class PluginsCommand(TextWriter stdout, TextWriter stderr)
{
    /// <param name="libDir">The built-in root, so that <paramref name="json"/> can say which plugins are built in.</param>
    /// <param name="json">One JSON object per plugin instead of the table, for programs (a build service's allow-list).</param>
    public int List(PluginCatalog catalog, string libDir, bool json = false)
    {
        var rows = PluginKind.All.SelectMany(kind => catalog.List(kind)).ToList();
        if (json)
        {
            var list = new JsonArray();
            foreach (PluginInfo plugin in rows)
            {
                list.Add((JsonNode)new JsonObject
                {
                    ["name"] = plugin.Name,
                    ["kind"] = PluginKind.Singular(plugin.Kind),
                    ["root"] = plugin.Root,
                    ["builtin"] = string.Equals(Path.GetFullPath(plugin.Root), Path.GetFullPath(libDir), StringComparison.Ordinal),
                    ["executable"] = plugin.ExecutablePath,
                    ["summary"] = plugin.Meta?.Summary,
                });
            }

            stdout.WriteLine(list.ToJsonString());
            return ExitCodes.Success;
        }

        int nameWidth = Math.Max(4, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        stdout.WriteLine($"{"NAME".PadRight(nameWidth)}  {"KIND",-10}  {"ROOT",-30}  SUMMARY");
        foreach (PluginInfo plugin in rows)
        {
            string summary = plugin.Meta?.Summary ?? "(no meta file: options are not validated)";
            stdout.WriteLine($"{plugin.Name.PadRight(nameWidth)}  {PluginKind.Singular(plugin.Kind),-10}  {plugin.Root,-30}  {summary}");
        }

        return ExitCodes.Success;
    }

    public int Describe(PluginCatalog catalog, string name, bool json)
    {
        var found = PluginKind.All.Select(kind => catalog.Find(kind, name)).OfType<PluginInfo>().ToList();
        if (found.Count == 0)
        {
            stderr.WriteLine($"error: {catalog.NotFoundMessage(PluginKind.Stage, name)}");
            return ExitCodes.InvalidInput;
        }

        foreach (PluginInfo plugin in found)
        {
            if (json)
            {
                stdout.WriteLine(plugin.Meta?.RawText.TrimEnd() ?? "null");
                continue;
            }

            stdout.WriteLine($"{plugin.Name} ({PluginKind.Singular(plugin.Kind)})");
            stdout.WriteLine($"  executable: {plugin.ExecutablePath}");
            if (plugin.Meta is null)
            {
                stdout.WriteLine("  no meta file: its options are not validated before it runs");
                continue;
            }

            stdout.WriteLine($"  protocol:   {plugin.Meta.EffectiveProtocol.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(plugin.Meta.Protocol is null ? " (not declared; 1 is assumed)" : "")}");
            stdout.WriteLine();
            stdout.WriteLine($"  {plugin.Meta.Summary}");
            foreach (string line in plugin.Meta.Description)
            {
                stdout.WriteLine($"  {line}");
            }

            stdout.WriteLine();
            WriteRequirements(plugin.Meta.Requires);
            WriteOptions(plugin.Meta.Schema as JsonObject);
        }

        return ExitCodes.Success;
    }

    /// <summary>The programs the plugin runs, with the package to install for each (the meta file's "requires").</summary>
    private void WriteRequirements(IReadOnlyList<HostRequirement>? requires)
    {
        if (requires is null or { Count: 0 })
        {
            stdout.WriteLine(requires is null
                ? "  Requires: not declared (the meta file has no \"requires\" list of the programs the plugin runs)"
                : "  Requires: no programs beyond those of every system");
            stdout.WriteLine();
            return;
        }

        int commandWidth = Math.Max(7, requires.Max(r => r.Command.Length));
        int packageWidth = Math.Max(7, requires.Max(r => r.Package.Length));
        stdout.WriteLine("  Requires (programs of the build root; of the host when the pipeline has no build pipeline):");
        stdout.WriteLine($"  {"COMMAND".PadRight(commandWidth)}  {"PACKAGE".PadRight(packageWidth)}  WHEN");
        foreach (HostRequirement requirement in requires)
        {
            stdout.WriteLine($"  {requirement.Command.PadRight(commandWidth)}  {requirement.Package.PadRight(packageWidth)}  {requirement.When ?? "always"}".TrimEnd());
        }

        stdout.WriteLine();
    }

    private void WriteOptions(JsonObject? schema)
    {
        if (schema?["properties"] is not JsonObject properties || properties.Count == 0)
        {
            stdout.WriteLine("  Options: none");
            return;
        }

        var required = (schema["required"] as JsonArray)?.Select(r => r?.ToString()).ToHashSet() ?? [];
        var rows = properties.Select(p => (
            Name: p.Key,
            Type: DescribeType(p.Value),
            Required: required.Contains(p.Key) ? "yes" : "",
            Description: p.Value?["description"]?.ToString() ?? "")).ToList();
        int nameWidth = Math.Max(6, rows.Max(r => r.Name.Length));
        int typeWidth = Math.Max(4, rows.Max(r => r.Type.Length));
        stdout.WriteLine("  Options:");
        stdout.WriteLine($"  {"OPTION".PadRight(nameWidth)}  {"TYPE".PadRight(typeWidth)}  REQUIRED  DESCRIPTION");
        foreach (var row in rows)
        {
            stdout.WriteLine($"  {row.Name.PadRight(nameWidth)}  {row.Type.PadRight(typeWidth)}  {row.Required,-8}  {row.Description}");
        }
    }

    private static string DescribeType(JsonNode? property)
    {
        if (property?["type"] is JsonArray types)
        {
            return string.Join("|", types.Select(t => t?.ToString()));
        }

        if (property?["type"]?.ToString() is string type)
        {
            return type == "array" && property["items"]?["type"]?.ToString() is string item ? $"array of {item}" : type;
        }

        if (property?["enum"] is JsonArray values)
        {
            return string.Join("|", values.Select(v => v?.ToString()));
        }

        return property?["oneOf"] is not null || property?["anyOf"] is not null ? "one of several" : "any";
    }
}
