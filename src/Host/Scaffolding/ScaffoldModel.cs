using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Engine.Protocol;
using Scriban.Runtime;

namespace Engine.Host.Scaffolding;

/// <summary>
/// The variables every template sees (listed in templates/README.md). Names derived from the plugin
/// name for languages that need identifiers are computed here once, so that templates stay free of
/// string juggling; language-specific constants come from the language's template.json.
/// </summary>
internal static class ScaffoldModel
{
    public static ScriptObject Create(ScaffoldRequest request, ScaffoldSettings settings, TemplateSet templates)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(templates);
        string name = request.Name;
        string testContent = $"Hello from {name}";
        var model = new ScriptObject
        {
            ["name"] = name,
            ["kind"] = request.Kind,
            ["kind_dir"] = ScaffoldKinds.Folder(request.Kind),
            ["language"] = templates.Language,
            ["pascal_name"] = string.Concat(Words(name)),
            ["namespace"] = string.Join(".", name.Split('.').Select(label => Identifier(string.Concat(Words(label))))),
            ["snake_name"] = string.Join("_", Words(name).Select(w => w.ToLowerInvariant())),
            ["output"] = request.Output,
            ["repository"] = settings.Repository ?? "",
            ["protocol_project"] = settings.Repository is string repository ? Path.Combine(repository, EngineSourceTree.ProtocolProject) : "",
            ["protocol_version"] = ProtocolConstants.Version,
            ["osbuild"] = settings.OsbuildCommand,
            ["check_stage"] = name + ".check",
            ["test_message"] = testContent,
            ["test_checksum"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(testContent))),
        };
        foreach (var (key, value) in templates.Variables)
        {
            model[key] = TemplateRenderer.FromJson(value);
        }

        // A delegate function, not Import(name, Delegate), which reflects over the delegate (NativeAOT).
        model["sh_quote"] = DelegateCustomFunction.CreateFunc<string, string>(ShellQuoting.Quote);
        return model;
    }

    /// <summary>The name's words: labels split at hyphens, each capitalised (org.example.hello-world → Org Example Hello World).</summary>
    private static IEnumerable<string> Words(string name)
        => name.Split('.', '-').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]);

    /// <summary>A label that starts with a digit is not an identifier in most languages.</summary>
    private static string Identifier(string word) => word.Length > 0 && char.IsAsciiDigit(word[0]) ? "_" + word : word;

    /// <summary>For messages: the variable's value as text.</summary>
    public static string Text(ScriptObject model, string variable)
        => Convert.ToString(model[variable], CultureInfo.InvariantCulture) ?? "";
}
