using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using Engine.Host.Diff;
using Engine.Host.Json;
using Engine.Tests.Shared;

namespace Engine.Host.Tests.Diff;

/// <summary>osbuild's comparison rules for tree-diff reports, on osbuild's own <c>diff.json</c> fixtures.</summary>
[SupportedOSPlatform("linux")]
public sealed class TreeDiffReportMatcherTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (string directory in RepositoryData.Directories(StagesTests()))
        {
            if (File.Exists(Path.Combine(directory, "diff.json")))
            {
                data.Add(Path.GetFileName(directory));
            }
        }

        return data;
    }

    [Fact]
    public void Fixtures_AllThirteenStageTests_Found()
    {
        Assert.Equal(13, Fixtures().Count);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FindMismatches_FixtureAgainstItself_Matches(string stage)
    {
        JValue fixture = Load(stage);
        Assert.Empty(TreeDiffReportMatcher.FindMismatches(fixture, fixture));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FindMismatches_ListsAndDifferencesReordered_Matches(string stage)
    {
        // Order depends on the file system, so it must not matter.
        var fixture = (JValue.Object)Load(stage);
        var reordered = JValue.Object.From(
            ("differences", new JValue.Object([.. ((JValue.Object)fixture["differences"]!).Members.Reverse()])),
            ("deleted_files", new JValue.Array([.. ((JValue.Array)fixture["deleted_files"]!).Items.Reverse()])),
            ("added_files", new JValue.Array([.. ((JValue.Array)fixture["added_files"]!).Items.Reverse()])));

        Assert.Empty(TreeDiffReportMatcher.FindMismatches(fixture, reordered));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FindMismatches_ExtraAddedFile_Reported(string stage)
    {
        var fixture = (JValue.Object)Load(stage);
        var altered = With(fixture, "added_files", new JValue.Array(((JValue.Array)fixture["added_files"]!).Items.Add(new JValue.String("/etc/surprise"))));

        var mismatches = TreeDiffReportMatcher.FindMismatches(fixture, altered);

        Assert.Equal(["added_files: \"/etc/surprise\" is listed but not expected"], mismatches);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FindMismatches_MissingDifferencePath_Reported(string stage)
    {
        var fixture = (JValue.Object)Load(stage);
        var differences = (JValue.Object)fixture["differences"]!;
        var paths = differences.Members.IsEmpty
            ? ImmutableArray.Create(KeyValuePair.Create("/etc/new", (JValue)JValue.Object.From(("mode", new JValue.Array([new JValue.Integer(1), new JValue.Integer(2)])))))
            : differences.Members.RemoveAt(0);
        var altered = With(fixture, "differences", new JValue.Object(paths));

        var mismatches = TreeDiffReportMatcher.FindMismatches(fixture, altered);

        Assert.Single(mismatches);
        Assert.StartsWith("differences: \"", mismatches[0], StringComparison.Ordinal);
    }

    [Fact]
    public void FindMismatches_ContentHashChanged_ReportsPathKindAndValues()
    {
        var fixture = (JValue.Object)Load("chrony");
        var altered = JsonTextParser.Parse(
            PythonJson.Compact(fixture).Replace("b2c33f5c", "00000000", StringComparison.Ordinal),
            "altered");

        var mismatches = TreeDiffReportMatcher.FindMismatches(fixture, altered);

        var mismatch = Assert.Single(mismatches);
        Assert.Contains("\"/etc/chrony.conf\"", mismatch, StringComparison.Ordinal);
        Assert.Contains("content after", mismatch, StringComparison.Ordinal);
        Assert.Contains("sha256:b2c33f5c", mismatch, StringComparison.Ordinal);
        Assert.Contains("sha256:00000000", mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void FindMismatches_ExtraKind_Reported()
    {
        var fixture = Load("timezone");
        var altered = JsonTextParser.Parse(
            PythonJson.Compact(fixture).Replace("\"symlink\": [", "\"uid\": [0, 1], \"symlink\": [", StringComparison.Ordinal),
            "altered");

        var mismatches = TreeDiffReportMatcher.FindMismatches(fixture, altered);

        Assert.Equal(["differences[\"/etc/localtime\"]: kind \"uid\" is listed but not expected"], mismatches);
    }

    [Fact]
    public void FindMismatches_NullInFixture_IsWildcard()
    {
        // Given the users fixture, whose /etc/shadow- content is [null, null].
        var fixture = (JValue.Object)Load("users");
        Assert.Contains("\"/etc/shadow-\": {\"content\": [null, null]}", PythonJson.Compact(fixture), StringComparison.Ordinal);
        var actual = JsonTextParser.Parse(
            PythonJson.Compact(fixture).Replace("\"/etc/shadow-\": {\"content\": [null, null]}", "\"/etc/shadow-\": {\"content\": [\"sha256:aa\", \"sha256:bb\"]}", StringComparison.Ordinal),
            "actual");

        // When / Then: any values match the wildcard, in either role.
        Assert.Empty(TreeDiffReportMatcher.FindMismatches(fixture, actual));
        Assert.Empty(TreeDiffReportMatcher.FindMismatches(actual, fixture));
    }

    [Fact]
    public void FindMismatches_NullWildcard_StillNeedsTheKind()
    {
        var fixture = Load("users");
        var actual = JsonTextParser.Parse(
            PythonJson.Compact(fixture).Replace("\"/etc/shadow-\": {\"content\": [null, null]}", "\"/etc/shadow-\": {\"mode\": [1, 2]}", StringComparison.Ordinal),
            "actual");

        var mismatches = TreeDiffReportMatcher.FindMismatches(fixture, actual);

        Assert.Equal(
            ["differences[\"/etc/shadow-\"]: kind \"content\" is expected but missing", "differences[\"/etc/shadow-\"]: kind \"mode\" is listed but not expected"],
            mismatches);
    }

    [Fact]
    public void FindMismatches_BeforeValueOnlyWildcard_AfterStillChecked()
    {
        var expected = Report("""{"/f": {"content": [null, "sha256:1"]}}""");
        var actual = Report("""{"/f": {"content": ["sha256:0", "sha256:2"]}}""");

        var mismatch = Assert.Single(TreeDiffReportMatcher.FindMismatches(expected, actual));

        Assert.Equal("differences[\"/f\"].content after: expected \"sha256:1\", actual \"sha256:2\"", mismatch);
    }

    [Fact]
    public void FindMismatches_IntegerAndFloatEqual_MatchLikePython()
    {
        Assert.Empty(TreeDiffReportMatcher.FindMismatches(Report("""{"/": {"mode": [16832, 16877]}}"""), Report("""{"/": {"mode": [16832.0, 16877]}}""")));
    }

    [Fact]
    public void FindMismatches_DuplicatePathInOneList_Reported()
    {
        var expected = JsonTextParser.Parse("""{"added_files": ["/a", "/b"], "deleted_files": [], "differences": {}}""", "expected");
        var actual = JsonTextParser.Parse("""{"added_files": ["/b", "/a", "/a"], "deleted_files": [], "differences": {}}""", "actual");

        Assert.Equal(["added_files: \"/a\" is listed but not expected"], TreeDiffReportMatcher.FindMismatches(expected, actual));
    }

    [Fact]
    public void FindMismatches_MalformedReport_ReportedNotThrown()
    {
        var expected = Load("fstab");
        var actual = JsonTextParser.Parse("""{"added_files": "/etc/fstab", "differences": {}}""", "actual");

        var mismatches = TreeDiffReportMatcher.FindMismatches(expected, actual);

        Assert.Equal(2, mismatches.Count);
        Assert.StartsWith("added_files:", mismatches[0], StringComparison.Ordinal);
        Assert.StartsWith("deleted_files:", mismatches[1], StringComparison.Ordinal);
        Assert.Single(TreeDiffReportMatcher.FindMismatches(expected, new JValue.Array([])));
    }

    private static JValue Report(string differences)
        => JsonTextParser.Parse($$"""{"added_files": [], "deleted_files": [], "differences": {{differences}}}""", "report");

    private static JValue.Object With(JValue.Object report, string key, JValue value)
        => new([.. report.Members.Select(m => m.Key == key ? KeyValuePair.Create(key, value) : m)]);

    private static JValue Load(string stage)
    {
        string path = Path.Combine(StagesTests(), stage, "diff.json");
        return JsonTextParser.Parse(File.ReadAllText(path), path);
    }

    /// <summary>osbuild's stage tests (tests/data/osbuild/test/stages_tests).</summary>
    private static string StagesTests() => TestData.Path_("test", "stages_tests");
}
