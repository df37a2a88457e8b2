using System.Text.RegularExpressions;
using Engine.Tests.Shared;

namespace Engine.Integration.Tests.Docs;

/// <summary>
/// The code blocks of a document in the repository that are marked <c>&lt;!-- doc-test: NAME --&gt;</c>
/// on the line above, so that tests run the examples users copy and they cannot drift from the code.
/// </summary>
internal sealed partial class DocExamples
{
    private readonly Dictionary<string, string> _blocks = new(StringComparer.Ordinal);

    public DocExamples(string relativePath)
    {
        Path = System.IO.Path.Combine(RepositoryData.RepoRoot, relativePath);
        string text = File.ReadAllText(Path);
        foreach (Match match in MarkedBlock().Matches(text))
        {
            _blocks.Add(match.Groups["name"].Value, match.Groups["body"].Value);
        }
    }

    public string Path { get; }

    /// <summary>The block's text (without the fences); fails naming the document when it is not there.</summary>
    public string this[string name]
        => _blocks.TryGetValue(name, out string? body)
            ? body
            : throw new KeyNotFoundException($"{Path} has no code block marked <!-- doc-test: {name} -->");

    [GeneratedRegex(@"<!-- doc-test: (?<name>[a-z0-9-]+) -->\n```[a-z]*\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}
