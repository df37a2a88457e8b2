using System.Text.Json.Nodes;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Engine.Host.Scaffolding;

/// <summary>
/// Renders Scriban text against the scaffolding model. Unknown variables are errors (a typo in a
/// template must not become an empty string in a generated plugin), and every error names the
/// template and position.
/// </summary>
internal sealed class TemplateRenderer(ScriptObject globals)
{
    /// <summary>Renders <paramref name="text"/>; <paramref name="sourceName"/> is used in messages.</summary>
    /// <exception cref="ScaffoldException">The template does not parse or fails to render.</exception>
    public string Render(string text, string sourceName)
    {
        Template template = Template.Parse(text, sourceName);
        if (template.HasErrors)
        {
            throw new ScaffoldException($"template {sourceName} does not parse: {string.Join("; ", template.Messages.Select(m => m.ToString()))}");
        }

        var context = new TemplateContext
        {
            StrictVariables = true,
            // Keep names as written in template.json and the model (snake_case already).
            MemberRenamer = member => member.Name,
        };
        context.PushGlobal(globals);
        try
        {
            return template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new ScaffoldException($"template {sourceName} failed: {e.Message}");
        }
    }

    /// <summary>A template.json value as a Scriban value (objects and arrays become script objects and arrays).</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => FromJsonObject(o),
        JsonArray a => new ScriptArray(a.Select(FromJson)),
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out long l) => l,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => node.ToString(),
    };

    private static ScriptObject FromJsonObject(JsonObject json)
    {
        var result = new ScriptObject();
        foreach (var (key, value) in json)
        {
            result[key] = FromJson(value);
        }

        return result;
    }
}
