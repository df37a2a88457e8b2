namespace Engine.Host.Plugins;

/// <summary>JSON pointers into options, written as the JSON paths users read in messages.</summary>
internal static class OptionsPath
{
    /// <summary><c>/users/root/uid</c> → <c>.users.root.uid</c>; <c>/packages/0</c> → <c>.packages[0]</c>.</summary>
    public static string FromPointer(string pointer)
    {
        if (string.IsNullOrEmpty(pointer) || pointer == "/" || pointer == "#")
        {
            return "";
        }

        var builder = new System.Text.StringBuilder();
        foreach (string raw in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string part = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            builder.Append(int.TryParse(part, out _) ? $"[{part}]" : "." + part);
        }

        return builder.ToString();
    }
}
