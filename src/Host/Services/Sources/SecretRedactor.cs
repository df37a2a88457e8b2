using System.Text.Encodings.Web;
using System.Text.Json;
using Engine.Host.Json;

namespace Engine.Host.Services.Sources;

/// <summary>
/// Replaces the secrets of one source request with <c>***</c> in text that reaches the user: error
/// messages, malformed replies, the source's stderr. A secret may show up raw, JSON-escaped the way
/// Python or System.Text.Json would write it, or (being PEM) one line at a time, so each of those
/// forms is replaced. Strings shorter than <see cref="MinimumLength"/> are left alone: replacing
/// every "a" or "yes" would mangle messages while hiding nothing worth hiding.
/// </summary>
internal sealed class SecretRedactor
{
    public const int MinimumLength = 4;

    /// <summary>A line of a multi-line secret is redacted on its own when at least this long (a PEM line is 64).</summary>
    private const int MinimumLineLength = 16;

    private const string Mask = "***";

    private readonly string[] _forms;

    public SecretRedactor(JValue secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (string secret in Strings(secrets))
        {
            if (secret.Length < MinimumLength)
            {
                continue;
            }

            forms.Add(secret);
            forms.Add(Unquote(PythonJson.QuoteString(secret)));
            forms.Add(JsonEncodedText.Encode(secret).ToString());
            forms.Add(JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
            foreach (string line in secret.Split('\n'))
            {
                string trimmed = line.TrimEnd('\r');
                if (trimmed.Length >= MinimumLineLength)
                {
                    forms.Add(trimmed);
                }
            }
        }

        // Longest first, so that a whole secret is masked before any of its lines.
        _forms = forms.Where(f => f.Length >= MinimumLength).OrderByDescending(f => f.Length).ToArray();
    }

    /// <summary>True when there is nothing to hide.</summary>
    public bool IsEmpty => _forms.Length == 0;

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string form in _forms)
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string Unquote(string quoted) => quoted.Length >= 2 && quoted[0] == '"' ? quoted[1..^1] : quoted;

    private static IEnumerable<string> Strings(JValue value) => value switch
    {
        JValue.String s => [s.Value],
        JValue.Array a => a.Items.SelectMany(Strings),
        JValue.Object o => o.Members.SelectMany(m => Strings(m.Value)),
        _ => [],
    };
}
