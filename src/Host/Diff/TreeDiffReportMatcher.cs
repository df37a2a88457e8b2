using Engine.Host.Json;

namespace Engine.Host.Diff;

/// <summary>
/// Decides whether a tree-diff report matches an expected one (a stage test's <c>diff.json</c>)
/// with osbuild's rules (docs/architecture.md, "tree-diff"): the path lists are compared sorted, because their
/// order is the file system's; <c>differences</c> must name the same paths and, per path, the same
/// kinds; a value is compared unless either side is <c>null</c>, which fixtures use as a wildcard
/// for content that is not reproducible (password hashes). Instead of a yes/no answer it lists
/// every mismatch in words, so a failing test shows what differs.
/// </summary>
public static class TreeDiffReportMatcher
{
    private static readonly string[] ListKeys = ["added_files", "deleted_files"];

    /// <summary>Every way <paramref name="actual"/> differs from <paramref name="expected"/>; empty when they match.</summary>
    public static IReadOnlyList<string> FindMismatches(JValue expected, JValue actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var mismatches = new List<string>();
        if (expected is not JValue.Object expectedReport || actual is not JValue.Object actualReport)
        {
            mismatches.Add($"a report is an object: expected is {expected.KindName}, actual is {actual.KindName}");
            return mismatches;
        }

        foreach (string key in ListKeys)
        {
            if (Member<JValue.Array>(expectedReport, actualReport, key, key, mismatches) is (var expectedList, var actualList))
            {
                ComparePathLists(key, expectedList, actualList, mismatches);
            }
        }

        if (Member<JValue.Object>(expectedReport, actualReport, "differences", "differences", mismatches) is (var expectedDifferences, var actualDifferences))
        {
            CompareDifferences(expectedDifferences, actualDifferences, mismatches);
        }

        return mismatches;
    }

    private static void ComparePathLists(string key, JValue.Array expected, JValue.Array actual, List<string> mismatches)
    {
        List<string>? expectedPaths = Strings(key, "expected", expected, mismatches);
        List<string>? actualPaths = Strings(key, "actual", actual, mismatches);
        if (expectedPaths is null || actualPaths is null)
        {
            return;
        }

        // Sorted lists equal = equal as multisets: report what each side has more of.
        expectedPaths.Sort(CodePointComparer.Instance);
        actualPaths.Sort(CodePointComparer.Instance);
        int i = 0;
        int j = 0;
        while (i < expectedPaths.Count || j < actualPaths.Count)
        {
            int order = i == expectedPaths.Count ? 1
                : j == actualPaths.Count ? -1
                : CodePointComparer.Instance.Compare(expectedPaths[i], actualPaths[j]);
            if (order == 0)
            {
                i++;
                j++;
            }
            else if (order < 0)
            {
                mismatches.Add($"{key}: {PythonJson.QuoteString(expectedPaths[i++])} is expected but missing");
            }
            else
            {
                mismatches.Add($"{key}: {PythonJson.QuoteString(actualPaths[j++])} is listed but not expected");
            }
        }
    }

    private static void CompareDifferences(JValue.Object expected, JValue.Object actual, List<string> mismatches)
    {
        foreach (var member in expected.Members.OrderBy(m => m.Key, CodePointComparer.Instance))
        {
            if (!actual.ContainsKey(member.Key))
            {
                mismatches.Add($"differences: {PythonJson.QuoteString(member.Key)} is expected but missing");
            }
        }

        foreach (var member in actual.Members.OrderBy(m => m.Key, CodePointComparer.Instance))
        {
            string where = $"differences[{PythonJson.QuoteString(member.Key)}]";
            if (!expected.ContainsKey(member.Key))
            {
                mismatches.Add($"differences: {PythonJson.QuoteString(member.Key)} is listed but not expected");
                continue;
            }

            if (Member<JValue.Object>(expected, actual, member.Key, where, mismatches) is (var expectedKinds, var actualKinds))
            {
                CompareKinds(where, expectedKinds, actualKinds, mismatches);
            }
        }
    }

    private static void CompareKinds(string where, JValue.Object expected, JValue.Object actual, List<string> mismatches)
    {
        foreach (var member in expected.Members)
        {
            if (!actual.ContainsKey(member.Key))
            {
                mismatches.Add($"{where}: kind {PythonJson.QuoteString(member.Key)} is expected but missing");
            }
        }

        foreach (var member in actual.Members)
        {
            string kindWhere = $"{where}.{member.Key}";
            if (!expected.ContainsKey(member.Key))
            {
                mismatches.Add($"{where}: kind {PythonJson.QuoteString(member.Key)} is listed but not expected");
                continue;
            }

            if (Member<JValue.Array>(expected, actual, member.Key, kindWhere, mismatches) is not (var expectedPair, var actualPair))
            {
                continue;
            }

            if (expectedPair.Items.Length != 2 || actualPair.Items.Length != 2)
            {
                mismatches.Add($"{kindWhere}: a difference is a [before, after] pair, got {expectedPair.Items.Length} expected and {actualPair.Items.Length} actual values");
                continue;
            }

            CompareValue($"{kindWhere} before", expectedPair.Items[0], actualPair.Items[0], mismatches);
            CompareValue($"{kindWhere} after", expectedPair.Items[1], actualPair.Items[1], mismatches);
        }
    }

    private static void CompareValue(string where, JValue expected, JValue actual, List<string> mismatches)
    {
        // null on either side: "changed, value not checked".
        if (expected is JValue.Null || actual is JValue.Null || ValuesEqual(expected, actual))
        {
            return;
        }

        mismatches.Add($"{where}: expected {PythonJson.Compact(expected)}, actual {PythonJson.Compact(actual)}");
    }

    /// <summary>Python's <c>==</c> on JSON values: 1 equals 1.0; otherwise structural.</summary>
    private static bool ValuesEqual(JValue a, JValue b) => (a, b) switch
    {
        (JValue.Integer i, JValue.Float f) => (double)i.Value == f.Value,
        (JValue.Float f, JValue.Integer i) => (double)i.Value == f.Value,
        _ => a.Equals(b),
    };

    /// <summary>Both sides' member <paramref name="key"/> when both are a <typeparamref name="T"/>; otherwise records why not and returns null.</summary>
    private static (T Expected, T Actual)? Member<T>(JValue.Object expected, JValue.Object actual, string key, string where, List<string> mismatches)
        where T : JValue
    {
        JValue? e = expected[key];
        JValue? a = actual[key];
        if (e is T expectedValue && a is T actualValue)
        {
            return (expectedValue, actualValue);
        }

        string expectedKind = typeof(T) == typeof(JValue.Array) ? "an array" : "an object";
        mismatches.Add($"{where}: expected {expectedKind} on both sides, got {e?.KindName ?? "nothing"} expected and {a?.KindName ?? "nothing"} actual");
        return null;
    }

    private static List<string>? Strings(string key, string side, JValue.Array list, List<string> mismatches)
    {
        var strings = new List<string>(list.Items.Length);
        foreach (var item in list.Items)
        {
            if (item is not JValue.String s)
            {
                mismatches.Add($"{key}: the {side} list holds {item.KindName} ({PythonJson.Compact(item)}), not a path");
                return null;
            }

            strings.Add(s.Value);
        }

        return strings;
    }
}
