using System.Text.RegularExpressions;

namespace Engine.Host.Tests.Architecture;

/// <summary>
/// The rules that keep the built-in plugins apart, checked on their source text (the plugins are one
/// NativeAOT executable, so the compiler would let any plugin use any other's internals):
/// <list type="bullet">
/// <item>a plugin folder <c>plugins/KIND/NAME/</c> declares the namespace
/// <c>Engine.Plugins.Kind.Name</c> (named after its folder, e.g. org.osbuild.fix-bls → FixBls) and
/// uses, besides its own, only <c>Engine.Plugins.Kind.Common</c> (code its kind shares),
/// <c>Engine.Plugins.Shared</c> (code every kind uses) and <c>Engine.Plugins.Builtin</c> (the
/// registry it adds itself to);</item>
/// <item><c>plugins/KIND/Common/</c> uses no plugin and no other kind; <c>plugins/Shared/</c> uses
/// no kind at all; <c>plugins/Builtin/</c> (the multi-call entry) uses only Shared;</item>
/// <item>no file under plugins/ declares a P/Invoke: libc calls live in src/Native.</item>
/// </list>
/// A reference is a <c>using</c> or any spelled-out namespace: <c>Engine.Plugins.Stages.Rpm</c>,
/// <c>global::…</c>, or the shorter <c>Stages.Rpm.X</c> and <c>Rpm.X</c> that C# resolves from
/// inside <c>Engine.Plugins.Stages.Dnf</c>. Comments and string literals are not code and are skipped.
/// </summary>
internal static partial class PluginBoundary
{
    private static readonly string[] s_kinds = ["stages", "sources", "runners", "assemblers"];

    /// <summary>Every rule broken by <paramref name="files"/> (path relative to plugins/, source text), one line each.</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyList<(string Path, string Text)> files)
    {
        var violations = new List<string>();
        var owners = files.Select(file => (file.Path, file.Text, Owner: OwnerOf(file.Path))).ToList();

        // Namespace segments of the plugins of each kind, for the short forms ("Rpm.PackageTree").
        var pluginsByKind = owners
            .Where(o => o.Owner.Plugin is not null)
            .GroupBy(o => o.Owner.Area, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(o => o.Owner.Plugin!).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        foreach (var (path, text, owner) in owners)
        {
            string code = CodeOnly(text);
            if (PInvokePattern().IsMatch(code))
            {
                violations.Add($"{path}: declares a P/Invoke; libc calls belong in src/Native (Engine.Native)");
            }

            foreach (Match declared in NamespaceDeclarationPattern().Matches(code))
            {
                string name = declared.Groups["name"].Value;
                if (name != owner.Namespace)
                {
                    violations.Add($"{path}: declares namespace {name}; files in this folder belong to {owner.Namespace}");
                }
            }

            string[] lines = code.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (NamespaceDeclarationPattern().IsMatch(line))
                {
                    continue;
                }

                foreach (string referenced in References(line, owner, pluginsByKind))
                {
                    if (!owner.MayUse(referenced))
                    {
                        violations.Add($"{path}:{i + 1}: {owner.Namespace} uses {referenced}; {owner.Rule}");
                    }
                }
            }
        }

        return violations;
    }

    /// <summary>The namespaces <paramref name="line"/> names, in full (<c>Engine.Plugins.Kind.Name</c>).</summary>
    private static IEnumerable<string> References(string line, Owner owner, Dictionary<string, List<string>> pluginsByKind)
    {
        foreach (Match match in QualifiedPattern().Matches(line))
        {
            yield return "Engine.Plugins." + match.Groups["area"].Value + (match.Groups["plugin"].Success ? "." + match.Groups["plugin"].Value : "");
        }

        // Inside Engine.Plugins.Stages.X, a bare "Rpm." is Engine.Plugins.Stages.Rpm.
        if (owner.Plugin is not null || owner.IsKindCommon)
        {
            foreach (string plugin in pluginsByKind.GetValueOrDefault(owner.Area, []))
            {
                foreach (Match match in Regex.Matches(line, $@"(?<![\w.]){Regex.Escape(plugin)}\.(?=[A-Z_a-z])"))
                {
                    _ = match;
                    yield return $"Engine.Plugins.{owner.Area}.{plugin}";
                }
            }
        }
    }

    private static Owner OwnerOf(string path)
    {
        string[] parts = path.Split('/');
        if (parts.Length >= 3 && s_kinds.Contains(parts[0]))
        {
            string area = Pascal(parts[0]);
            return parts[1] == "Common"
                ? new Owner(area, null, $"Engine.Plugins.{area}.Common")
                : new Owner(area, PluginSegment(parts[1]), $"Engine.Plugins.{area}.{PluginSegment(parts[1])}");
        }

        string folder = parts.Length >= 2 ? parts[0] : "";
        return new Owner(folder, null, "Engine.Plugins." + folder);
    }

    /// <summary>org.osbuild.fix-bls → FixBls; org.osbuild.fedora27 → Fedora27.</summary>
    internal static string PluginSegment(string folder)
        => string.Concat(folder[(folder.LastIndexOf('.') + 1)..].Split('-').Select(Pascal));

    private static string Pascal(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>The text with comments and string/char literals blanked out (newlines kept, so line numbers hold).</summary>
    internal static string CodeOnly(string text)
    {
        var code = new System.Text.StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                code.Append('\n', text.AsSpan(i, end - i).Count('\n'));
                i = end;
            }
            else if (c == '"' && i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"')
            {
                // A raw string literal: as many quotes close it as opened it.
                int quotes = 0;
                while (i + quotes < text.Length && text[i + quotes] == '"')
                {
                    quotes++;
                }

                int end = text.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + quotes;
                code.Append('\n', text.AsSpan(i, end - i).Count('\n'));
                i = end;
            }
            else if (c is '"' or '\'')
            {
                bool verbatim = i > 0 && text[i - 1] == '@';
                int j = i + 1;
                while (j < text.Length && text[j] != c)
                {
                    if (text[j] == '\\' && !verbatim)
                    {
                        j++;
                    }
                    else if (verbatim && text[j] == '"' && j + 1 < text.Length && text[j + 1] == '"')
                    {
                        j++;
                    }

                    j++;
                }

                code.Append('\n', text.AsSpan(i, Math.Min(j + 1, text.Length) - i).Count('\n'));
                i = j + 1;
            }
            else
            {
                code.Append(c);
                i++;
            }
        }

        return code.ToString();
    }

    [GeneratedRegex(@"\[\s*(?:System\.Runtime\.InteropServices\.)?(?:DllImport|LibraryImport)(?:Attribute)?\b")]
    private static partial Regex PInvokePattern();

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclarationPattern();

    /// <summary><c>Engine.Plugins.Area[.Name]</c>, or the short <c>Stages.Name</c> (not after a dot: that is the long form).</summary>
    [GeneratedRegex(@"(?:\bEngine\.Plugins\.(?<area>\w+)(?:\.(?<plugin>[A-Z]\w*))?|(?<![\w.])(?<area>Stages|Sources|Runners|Assemblers)\.(?<plugin>[A-Z]\w*))")]
    private static partial Regex QualifiedPattern();

    /// <summary>Who a file belongs to: a plugin (Area + Plugin), a kind's Common, Shared or Builtin.</summary>
    private sealed record Owner(string Area, string? Plugin, string Namespace)
    {
        public bool IsKindCommon => Plugin is null && Namespace.EndsWith(".Common", StringComparison.Ordinal);

        private bool IsKind => Plugin is not null || IsKindCommon;

        public string Rule => Plugin is not null
            ? $"a plugin may use only its own namespace, Engine.Plugins.{Area}.Common, Engine.Plugins.Shared and Engine.Plugins.Builtin (move what two plugins share to plugins/{Area.ToLowerInvariant()}/Common, or to plugins/Shared when every kind needs it)"
            : IsKindCommon
                ? $"a kind's Common may use only itself and Engine.Plugins.Shared (no plugin, no other kind)"
                : Area == "Builtin" ? "the multi-call entry may use only Engine.Plugins.Shared" : "shared code may not depend on a plugin kind";

        public bool MayUse(string referenced)
        {
            if (referenced == Namespace || referenced == "Engine.Plugins.Shared")
            {
                return true;
            }

            if (IsKind)
            {
                return referenced == $"Engine.Plugins.{Area}.Common" || (Plugin is not null && referenced == "Engine.Plugins.Builtin");
            }

            return false;
        }
    }
}
