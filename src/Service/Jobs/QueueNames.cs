using System.Text.RegularExpressions;

namespace Engine.Service.Jobs;

/// <summary>Hangfire's rule for queue names: lower-case letters, digits, '_' and '-'.</summary>
internal static partial class QueueNames
{
    public const string Default = "default";

    public static bool IsValid(string name) => name.Length is > 0 and <= 50 && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex Pattern();
}
