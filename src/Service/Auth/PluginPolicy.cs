namespace Engine.Service.Auth;

/// <summary>
/// The plugins a client's manifests may name. A stage runs as root with every capability, so the
/// plugins a client may use decide what that client can do on the workers: denying
/// org.osbuild.script and org.osbuild.debug-shell takes away arbitrary commands, and an allow-list
/// of exact names keeps out plugins of roots the workers were given with --plugin-path.
/// A pattern is an exact name, or a prefix ending in <c>*</c> (<c>org.osbuild.*</c>, or <c>*</c> for all).
/// A deny pattern wins over an allow pattern.
/// </summary>
internal sealed record PluginPolicy(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny)
{
    public static PluginPolicy Everything { get; } = new(["*"], []);

    public bool Allows(string plugin) => Allow.Any(p => Matches(p, plugin)) && !Deny.Any(p => Matches(p, plugin));

    public static bool IsValidPattern(string pattern)
    {
        int star = pattern.IndexOf('*', StringComparison.Ordinal);
        return pattern.Length > 0 && (star < 0 || star == pattern.Length - 1);
    }

    private static bool Matches(string pattern, string plugin)
        => pattern.EndsWith('*')
            ? plugin.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, plugin, StringComparison.Ordinal);
}
