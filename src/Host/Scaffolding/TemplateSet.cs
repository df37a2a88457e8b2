using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Host.Scaffolding;

/// <summary>
/// One language's templates: the folder <c>templates/&lt;language&gt;/</c> with Scriban files and a
/// <c>template.json</c> that says, per kind of plugin, which files to render where, which are
/// executable and which commands to print afterwards. Adding a language means adding such a folder;
/// the host knows no language. Template files may be shared between languages (<c>../shared/…</c>)
/// but must stay inside the templates folder. The format is described in <c>templates/README.md</c>.
/// </summary>
internal sealed class TemplateSet
{
    /// <summary>The manifest file of a language folder.</summary>
    public const string ManifestFileName = "template.json";

    private TemplateSet(string language, string directory, string description, JsonObject variables, IReadOnlyList<string> requires, IReadOnlyDictionary<string, KindTemplates> kinds)
    {
        Language = language;
        Directory = directory;
        Description = description;
        Variables = variables;
        Requires = requires;
        Kinds = kinds;
    }

    public string Language { get; }

    /// <summary>The language's folder.</summary>
    public string Directory { get; }

    /// <summary>One line for `osbuild new --help` and error messages.</summary>
    public string Description { get; }

    /// <summary>Language constants given to every template (e.g. how strict its starter schemas are).</summary>
    public JsonObject Variables { get; }

    /// <summary>Model variables that must be set for this language (e.g. <c>protocol_project</c> for C#).</summary>
    public IReadOnlyList<string> Requires { get; }

    /// <summary>Templates per kind: <c>stage</c>, <c>source</c>, <c>runner</c>, <c>assembler</c>.</summary>
    public IReadOnlyDictionary<string, KindTemplates> Kinds { get; }

    /// <summary>The languages in <paramref name="templatesRoot"/>: every folder with a template.json.</summary>
    public static IReadOnlyList<string> Languages(string templatesRoot)
        => System.IO.Directory.Exists(templatesRoot)
            ? System.IO.Directory.EnumerateDirectories(templatesRoot)
                .Where(d => File.Exists(Path.Combine(d, ManifestFileName)))
                .Select(d => Path.GetFileName(d)!)
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>Reads <c>&lt;templatesRoot&gt;/&lt;language&gt;/template.json</c>.</summary>
    /// <exception cref="ScaffoldException">No such language, or its template.json is malformed.</exception>
    public static TemplateSet Load(string templatesRoot, string language)
    {
        ArgumentException.ThrowIfNullOrEmpty(templatesRoot);
        ArgumentNullException.ThrowIfNull(language);
        var languages = Languages(templatesRoot);
        if (!languages.Contains(language, StringComparer.Ordinal))
        {
            string known = languages.Count > 0 ? string.Join(", ", languages) : "none";
            throw new ScaffoldException($"no templates for language '{language}' in {templatesRoot} (languages: {known}); a language is a folder there with a {ManifestFileName}");
        }

        string root = Path.GetFullPath(templatesRoot);
        string directory = Path.Combine(root, language);
        string manifestPath = Path.Combine(directory, ManifestFileName);
        JsonObject manifest = ParseObject(manifestPath);
        string description = manifest["description"] is JsonValue d && d.TryGetValue(out string? text) ? text : language;
        JsonObject variables = manifest["variables"] switch
        {
            null => new JsonObject(),
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw Malformed(manifestPath, "\"variables\" must be an object of names and values"),
        };
        var requires = StringList(manifest["requires"], manifestPath, "requires");
        if (manifest["kinds"] is not JsonObject kindsObject || kindsObject.Count == 0)
        {
            throw Malformed(manifestPath, "\"kinds\" must be an object keyed by kind (stage, source, runner, assembler)");
        }

        var kinds = new Dictionary<string, KindTemplates>(StringComparer.Ordinal);
        foreach (var (kind, value) in kindsObject)
        {
            if (!ScaffoldKinds.IsKnown(kind))
            {
                throw Malformed(manifestPath, $"unknown kind \"{kind}\" in \"kinds\" (known: {string.Join(", ", ScaffoldKinds.Names)})");
            }

            kinds[kind] = ReadKind(value, root, directory, manifestPath, kind);
        }

        return new TemplateSet(language, directory, description, variables, requires, kinds);
    }

    private static KindTemplates ReadKind(JsonNode? value, string root, string directory, string manifestPath, string kind)
    {
        if (value is not JsonObject entry || entry["files"] is not JsonArray files || files.Count == 0)
        {
            throw Malformed(manifestPath, $"kinds.{kind} must be an object with a non-empty \"files\" array");
        }

        var result = new List<TemplateFile>();
        for (int i = 0; i < files.Count; i++)
        {
            string where = $"kinds.{kind}.files[{i}]";
            if (files[i] is not JsonObject file
                || file["template"] is not JsonValue t || !t.TryGetValue(out string? template)
                || file["path"] is not JsonValue p || !p.TryGetValue(out string? target))
            {
                throw Malformed(manifestPath, $"{where} must be an object {{\"template\", \"path\", \"executable\", \"about\"}} with strings for template and path");
            }

            string source = Path.GetFullPath(Path.Combine(directory, template));
            if (!source.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw Malformed(manifestPath, $"{where}.template \"{template}\" is outside the templates folder {root}");
            }

            if (!File.Exists(source))
            {
                throw Malformed(manifestPath, $"{where}.template: {source} does not exist");
            }

            bool executable = file["executable"] is JsonValue x && x.TryGetValue(out bool flag) && flag;
            string about = file["about"] is JsonValue a && a.TryGetValue(out string? line) ? line : "";
            result.Add(new TemplateFile(source, target, executable, about));
        }

        return new KindTemplates(result, StringList(entry["next"], manifestPath, $"kinds.{kind}.next"));
    }

    private static List<string> StringList(JsonNode? node, string manifestPath, string where) => node switch
    {
        null => [],
        JsonArray array when array.All(n => n is JsonValue v && v.TryGetValue(out string? _)) => array.Select(n => n!.GetValue<string>()).ToList(),
        _ => throw Malformed(manifestPath, $"\"{where}\" must be an array of strings"),
    };

    private static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw Malformed(path, "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"not valid JSON: {e.Message}");
        }
    }

    private static ScaffoldException Malformed(string path, string problem) => new($"{path}: {problem}");
}
