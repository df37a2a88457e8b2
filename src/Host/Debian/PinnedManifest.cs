using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Host.Debian;

/// <summary>
/// Writes a resolved closure into a manifest: every .deb as an <c>org.osbuild.files</c> source
/// (checksum → URL) and an <c>org.osbuild.debs</c> stage that lists them by checksum. With a base
/// manifest, the stage goes in front of the base's main pipeline (replacing an
/// <c>org.osbuild.debs</c> stage already there, whose other options are kept) and the base's
/// other sources stay; URLs of the replaced stage's packages that no stage uses any more go.
/// </summary>
internal static class PinnedManifest
{
    public const string StageName = "org.osbuild.debs";

    private const string FilesSource = "org.osbuild.files";

    public static JsonObject Create(DepsolveRequest request, IReadOnlyList<ResolvedDeb> debs, JsonObject? baseManifest)
    {
        JsonObject manifest = baseManifest ?? new JsonObject { ["pipeline"] = new JsonObject { ["stages"] = new JsonArray() } };
        JsonObject pipeline = manifest["pipeline"] as JsonObject
            ?? throw new DepsolveException("the base manifest has no \"pipeline\" object");
        if (pipeline["stages"] is not JsonArray stages)
        {
            stages = new JsonArray();
            pipeline["stages"] = stages;
        }

        JsonObject? previous = stages.Count > 0 && stages[0] is JsonObject first && (string?)first["name"] == StageName ? first : null;
        var oldChecksums = new HashSet<string>(StringComparer.Ordinal);
        JsonObject options = new();
        if (previous is not null)
        {
            stages.RemoveAt(0);
            if (previous["options"] is JsonObject oldOptions)
            {
                foreach (var (key, value) in oldOptions)
                {
                    if (key == "packages" && value is JsonArray oldPackages)
                    {
                        oldChecksums.UnionWith(oldPackages.Select(p => (string?)p).OfType<string>());
                    }
                    else if (key is not ("suite" or "mirror" or "components"))
                    {
                        options[key] = value?.DeepClone();
                    }
                }
            }
        }

        var ordered = debs.OrderBy(d => d.FileName, StringComparer.Ordinal).ToList();
        var stageOptions = new JsonObject
        {
            ["suite"] = request.Suite,
            ["mirror"] = request.Mirror,
            ["components"] = new JsonArray([.. request.Components.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["packages"] = new JsonArray([.. ordered.Select(d => (JsonNode)JsonValue.Create(d.Checksum))]),
        };
        foreach (var (key, value) in options)
        {
            stageOptions[key] = value?.DeepClone();
        }

        stages.Insert(0, new JsonObject { ["name"] = StageName, ["options"] = stageOptions });

        if (manifest["sources"] is not JsonObject sources)
        {
            sources = new JsonObject();
            manifest["sources"] = sources;
        }

        if (sources[FilesSource] is not JsonObject files)
        {
            files = new JsonObject();
            sources[FilesSource] = files;
        }

        if (files["urls"] is not JsonObject urls)
        {
            urls = new JsonObject();
            files["urls"] = urls;
        }

        var kept = new HashSet<string>(ordered.Select(d => d.Checksum), StringComparer.Ordinal);
        foreach (string stale in oldChecksums.Where(c => !kept.Contains(c)).ToList())
        {
            urls.Remove(stale);
        }

        foreach (ResolvedDeb deb in ordered)
        {
            urls[deb.Checksum] = deb.Url;
        }

        return manifest;
    }

    /// <summary>Two-space indented JSON with a final newline, as the samples are written.</summary>
    public static string Render(JsonNode manifest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            manifest.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
