using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Engine.Host.Plugins;

/// <summary>
/// Turns a JSON Schema evaluation (JsonSchema.Net's hierarchical output) into messages that say what
/// to fix in the words of the options: <c>unknown option "msg" (did you mean "message"?); known
/// options: message</c> instead of "All values fail against the false schema", and one message for
/// an <c>anyOf</c>/<c>oneOf</c> that no form matches, naming the form that came closest, instead of
/// every form's complaints.
/// </summary>
internal static partial class SchemaErrors
{
    /// <summary>One problem: where in the options (a JSON pointer) and what is wrong.</summary>
    public sealed record Problem(string Pointer, string Message);

    /// <param name="results">The evaluation, made with <see cref="OutputFormat.Hierarchical"/>.</param>
    /// <param name="schema">The schema that was evaluated, to read property names, enums and forms from.</param>
    /// <param name="instance">The options that were evaluated, to quote offending values.</param>
    public static IReadOnlyList<Problem> Describe(EvaluationResults results, JsonNode schema, JsonNode? instance)
    {
        var problems = new List<Problem>();
        new Context(schema, instance).Collect(results, problems);
        return [.. problems.Distinct()];
    }

    private sealed record Context(JsonNode Schema, JsonNode? Instance)
    {
        public void Collect(EvaluationResults node, List<Problem> problems) => SchemaErrors.Collect(node, this, problems);
    }

    private static void Collect(EvaluationResults node, Context context, List<Problem> problems)
    {
        if (node.IsValid)
        {
            return;
        }

        string pointer = node.InstanceLocation.ToString();
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // "Expected 1 matching subschema but found 0": said better below, naming the closest form.
            if (keyword is "anyOf" || (keyword is "oneOf" && message.EndsWith("found 0", StringComparison.Ordinal)))
            {
                continue;
            }

            problems.Add(new Problem(pointer, Rewrite(node, keyword, message, context)));
        }

        string path = node.EvaluationPath.ToString();
        var forms = node.Details.Select(d => (Detail: d, Form: FormOf(path, d.EvaluationPath.ToString()))).ToList();
        foreach (var group in forms.Where(f => f.Form is not null).GroupBy(f => f.Form!.Value.Keyword))
        {
            var branches = group.Select(g => g.Detail).ToList();
            if (branches.All(b => !b.IsValid))
            {
                problems.Add(new Problem(pointer, NoFormMatches(branches, context)));
            }
        }

        foreach (var (detail, _) in forms.Where(f => f.Form is null))
        {
            Collect(detail, context, problems);
        }
    }

    /// <summary>For a child at <c>PARENT/anyOf/2</c>: ("anyOf", 2); null for any other child.</summary>
    private static (string Keyword, int Index)? FormOf(string parentPath, string childPath)
    {
        string prefix = parentPath.TrimEnd('/') + "/";
        if (!childPath.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        string[] rest = childPath[prefix.Length..].Split('/');
        return rest is [("anyOf" or "oneOf") and var keyword, var index] && int.TryParse(index, out int i) ? (keyword, i) : null;
    }

    private static string NoFormMatches(List<EvaluationResults> branches, Context context)
    {
        var described = branches.Select(b =>
        {
            var inner = new List<Problem>();
            Collect(b, context, inner);
            return (Branch: b, Problems: inner, Name: FormName(b, context.Schema));
        }).ToList();

        // The common case (qemu's legacy and partition forms): each form only lacks its own key.
        const string Missing = "missing required ";
        if (described.All(d => d.Problems.Count == 1 && d.Problems[0].Message.StartsWith(Missing, StringComparison.Ordinal)))
        {
            string needs = string.Join(" or ", described.Select(d => string.Join(" and ", QuotedNames().Matches(d.Problems[0].Message).Select(m => m.Value))));
            return $"needs {needs} (these options have {branches.Count} forms: {string.Join("; ", described.Select(d => d.Name))})";
        }

        var closest = described.OrderBy(d => d.Problems.Count).First();
        string why = string.Join("; ", closest.Problems.Select(p => Relative(p, closest.Branch.InstanceLocation.ToString())));
        string none = branches.Count == 2 ? "neither of its 2 forms" : $"none of its {branches.Count} forms";
        return $"matches {none}; the closest, {closest.Name}, fails: {why}";
    }

    private static string Relative(Problem problem, string basePointer)
    {
        string rest = problem.Pointer.Length > basePointer.Length ? problem.Pointer[basePointer.Length..] : "";
        return rest.Length == 0 ? problem.Message : $"{OptionsPath.FromPointer(rest)}: {problem.Message}";
    }

    private static string FormName(EvaluationResults branch, JsonNode schema)
    {
        JsonNode? form = At(schema, branch.SchemaLocation);
        string index = branch.EvaluationPath.ToString().Split('/')[^1];
        int number = int.TryParse(index, out int i) ? i + 1 : 0;
        if (form?["title"]?.GetValue<string>() is string title)
        {
            return $"form {number} ({title})";
        }

        return form?["required"] is JsonArray required && required.Count > 0
            ? $"form {number} with {string.Join(", ", required.Select(r => $"\"{r}\""))}"
            : $"form {number}";
    }

    private static string Rewrite(EvaluationResults node, string keyword, string message, Context context)
    {
        JsonNode schema = context.Schema;
        string evaluation = node.EvaluationPath.ToString();
        string pointer = node.InstanceLocation.ToString();
        bool topLevel = pointer.LastIndexOf('/') == 0;
        switch (keyword)
        {
            case "" when evaluation.EndsWith("/additionalProperties", StringComparison.Ordinal)
                      || evaluation.EndsWith("/unevaluatedProperties", StringComparison.Ordinal):
            {
                string name = Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);
                JsonNode? owner = At(schema, node.SchemaLocation)?.Parent;
                var known = (owner?["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];
                string what = topLevel ? "option" : "key";
                var near = NearMatches.Find(name, known);
                string hint = near.Count > 0 ? $" (did you mean \"{near[0]}\"?)" : "";
                string list = known.Count > 0 ? $"; known {what}s: {string.Join(", ", known)}" : $"; no {what}s are allowed here";
                return $"unknown {what} \"{name}\"{hint}{list}";
            }

            case "required":
            {
                var names = QuotedNames().Matches(message).Select(m => $"\"{m.Groups[1].Value}\"").ToList();
                string what = pointer.Length == 0 ? "option" : "key";
                return names.Count == 1 ? $"missing required {what} {names[0]}" : $"missing required {what}s {string.Join(", ", names)}";
            }

            case "type" when TypeMessage().Match(message) is { Success: true } typeMatch:
                return $"expected {typeMatch.Groups[2].Value.Replace(", ", " or ", StringComparison.Ordinal)}, found {typeMatch.Groups[1].Value}";

            case "enum" when At(schema, node.SchemaLocation) is JsonObject { } owner && owner["enum"] is JsonArray values:
                IEnumerable<string> allowed = values.Select(v => v is null ? "null" : v.ToJsonString());
                return $"expected one of: {string.Join(", ", allowed)}";

            case "pattern" when At(schema, node.SchemaLocation) is JsonObject { } owner && owner["pattern"] is JsonValue pattern:
                return $"{Quote(At(context.Instance, pointer))} does not match the pattern {pattern}";

            case "oneOf":
                return "matches more than one of its forms; exactly one must match";

            default:
                return message;
        }
    }

    private static string Quote(JsonNode? value) => value is null ? "null" : value.ToJsonString();

    /// <summary>The schema node a location such as <c>https://…/abc#/properties/x</c> names.</summary>
    private static JsonNode? At(JsonNode schema, Uri location)
        => At(schema, Uri.UnescapeDataString(location.Fragment.TrimStart('#')));

    /// <summary>The node a JSON pointer names, or null.</summary>
    private static JsonNode? At(JsonNode? root, string pointer)
    {
        JsonNode? node = root;
        foreach (string raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string part = Unescape(raw);
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, out int i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node;
    }

    private static string Unescape(string pointerPart) => pointerPart.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedNames();

    [GeneratedRegex("^Value is \"([^\"]*)\" but should be \"([^\"]*)\"$")]
    private static partial Regex TypeMessage();
}
