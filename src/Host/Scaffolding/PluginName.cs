namespace Engine.Host.Scaffolding;

/// <summary>
/// The naming rule for new plugins: a reverse-DNS name of at least three dot-separated labels, each
/// made of lower-case letters, digits and hyphens (<c>org.example.hello</c>). The host finds plugins
/// by file name, so the rule also keeps names safe as file names, in shell commands and in JSON.
/// </summary>
internal static class PluginName
{
    public const int MinimumLabels = 3;

    /// <summary>Null when <paramref name="name"/> is a valid new plugin name, else why it is not.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string example = "use a reverse-DNS name such as org.example.hello";
        if (name.Length == 0)
        {
            return $"the plugin name is empty; {example}";
        }

        string[] labels = name.Split('.');
        if (labels.Length < MinimumLabels)
        {
            return $"'{name}' has {labels.Length} dot-separated label{(labels.Length == 1 ? "" : "s")}; a plugin name needs at least {MinimumLabels}: {example}";
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i].Length == 0)
            {
                return $"'{name}' has an empty label (label {i + 1}); {example}";
            }

            foreach (char c in labels[i])
            {
                if (!IsLabelCharacter(c))
                {
                    return $"'{name}' contains '{c}' in label '{labels[i]}'; labels may contain only a-z, 0-9 and '-': {example}";
                }
            }
        }

        return null;
    }

    private static bool IsLabelCharacter(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-';
}
