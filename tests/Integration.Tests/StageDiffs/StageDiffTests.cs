using System.Text.Json.Nodes;
using Engine.Host.Diff;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.StageDiffs;

/// <summary>
/// osbuild's stage tests, on Debian: for every configuration stage a case folder
/// <c>Cases/&lt;stage&gt;/</c> holds <c>b.json</c> (pipeline A plus the stage) and <c>diff.json</c>
/// (the expected tree-diff of A's tree against B's, with osbuild's matching rules: null is a
/// wildcard). A is the shared Debian base <c>base-a.json</c>, or the case's own <c>a.json</c> when
/// the stage needs something the base lacks. <c>NOTES.md</c> in a case folder explains where the
/// expected report differs from osbuild's Fedora fixture in test/stages_tests.
/// </summary>
public sealed class StageDiffTests
{
    private const string EmptyReport = """{"added_files": [], "deleted_files": [], "differences": {}}""";

    public static TheoryData<string> Cases => new(
        Directory.GetDirectories(StageDiffStore.CasesFolder).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal));

    /// <summary>Stages whose spec makes a second run a no-op (they replace a file or set state).</summary>
    public static TheoryData<string> IdempotentStages => new(
        "chrony", "fstab", "hostname", "kernel-cmdline", "keymap", "locale", "selinux", "systemd", "timezone", "zipl");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stage_OnTopOfPipelineA_ChangesExactlyTheExpectedFiles(string stage)
    {
        StageDiffStore.RequireTools();
        string folder = Path.Combine(StageDiffStore.CasesFolder, stage);
        string a = CaseA(folder);
        string b = Path.Combine(folder, "b.json");
        AssertBExtendsAByTheStage(a, b, stage);

        string aId = StageDiffStore.Build(a);
        string bId = StageDiffStore.Build(b);
        JValue actual = StageDiffStore.TreeDiff(aId, bId);
        string expectedPath = Path.Combine(folder, "diff.json");
        JValue expected = JsonTextParser.Parse(File.ReadAllText(expectedPath), expectedPath);

        IReadOnlyList<string> mismatches = TreeDiffReportMatcher.FindMismatches(expected, actual);
        Assert.True(mismatches.Count == 0, $"{stage}: tree-diff of A and B does not match {expectedPath}:\n  "
            + string.Join("\n  ", mismatches) + "\nactual report:\n" + PythonJson.Indented(actual));
    }

    [Theory]
    [MemberData(nameof(IdempotentStages))]
    public void Stage_RunTwice_GivesTheSameTreeAsOnce(string stage)
    {
        StageDiffStore.RequireTools();
        string b = Path.Combine(StageDiffStore.CasesFolder, stage, "b.json");
        JsonNode twice = JsonNode.Parse(File.ReadAllText(b))!;
        JsonArray stages = twice["pipeline"]!["stages"]!.AsArray();
        stages.Add(stages[^1]!.DeepClone());

        using var scratch = new TempStore();
        string onceId = StageDiffStore.Build(b);
        string twiceId = StageDiffStore.Build(twice, scratch, $"{stage}-twice.json");
        JValue report = StageDiffStore.TreeDiff(onceId, twiceId);

        IReadOnlyList<string> mismatches = TreeDiffReportMatcher.FindMismatches(JsonTextParser.Parse(EmptyReport, "empty report"), report);
        Assert.True(mismatches.Count == 0, $"{stage} run twice differs from once:\n  " + string.Join("\n  ", mismatches)
            + "\nreport:\n" + PythonJson.Indented(report));
    }

    [Theory]
    [InlineData("""{"name": "org.osbuild.users", "options": {"users": {"bad name!": {"password": "x"}}}}""", "$.pipeline.stages[1].options.users.bad name!: org.osbuild.users (stage 2 of 2)")]
    [InlineData("""{"name": "org.osbuild.kernel-cmdline", "options": {"root_fs_uuid": "76a22bf4-f153-4541-b6c7-0332c0dfaea"}}""", "$.pipeline.stages[1].options.root_fs_uuid: org.osbuild.kernel-cmdline (stage 2 of 2)")]
    [InlineData("""{"name": "org.osbuild.hostname", "options": {}}""", "$.pipeline.stages[1].options: org.osbuild.hostname (stage 2 of 2)")]
    [InlineData("""{"name": "org.osbuild.chrony", "options": {}}""", "$.pipeline.stages[1].options: org.osbuild.chrony (stage 2 of 2)")]
    [InlineData("""{"name": "org.osbuild.systemd", "options": {"disabled_services": ["chrony.service"]}}""", "$.pipeline.stages[1].options: org.osbuild.systemd (stage 2 of 2)")]
    public void InvalidStageOptions_RefusedBeforeAnythingRuns_Exit2NamingStageAndPath(string badStage, string expectedMessage)
        => AssertRefused(badStage, expectedMessage);

    /// <summary>
    /// A bad UUID for fstab cannot be refused: its schema (like osbuild's) puts no pattern on
    /// <c>uuid</c>, which blkid accepts in other shapes too (FAT volume ids). Likewise the timezone's
    /// <c>zone</c> is any string: systemd-firstboot checks it against the tree's zoneinfo at run time.
    /// The test reads the installed schemas so that it starts checking once a pattern is added.
    /// </summary>
    [Theory]
    [InlineData("org.osbuild.timezone", "zone", """{"name": "org.osbuild.timezone", "options": {"zone": "../../etc/passwd"}}""")]
    [InlineData("org.osbuild.fstab", "uuid", """{"name": "org.osbuild.fstab", "options": {"filesystems": [{"uuid": "not a uuid", "path": "/"}]}}""")]
    public void UnconstrainedOption_RefusedOnlyIfTheSchemaConstrainsIt(string stage, string option, string badStage)
    {
        string meta = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Osbuild.Binary)!, "..", "lib", "osbuild", "stages", stage + ".meta.json"));
        JsonNode schema = JsonNode.Parse(meta)!["schema"]!;
        JsonNode? property = stage == "org.osbuild.fstab"
            ? schema["properties"]!["filesystems"]!["items"]!["properties"]![option]
            : schema["properties"]![option];
        bool constrained = property is JsonObject o && (o.ContainsKey("pattern") || o.ContainsKey("enum") || o.ContainsKey("oneOf") || o.ContainsKey("format"));
        Assert.SkipUnless(constrained, $"{stage}'s schema does not constrain `{option}` (as in osbuild), so a bad value is only found when the stage runs");
        AssertRefused(badStage, $"{stage} (stage 2 of 2)");
    }

    private static void AssertRefused(string badStage, string expectedMessage)
    {
        Assert.SkipUnless(File.Exists(Osbuild.Binary), $"{Osbuild.Binary} is missing: run ./build.sh first");
        using var scratch = new TempStore();
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(StageDiffStore.BaseManifest))!;
        manifest["pipeline"]!["stages"]!.AsArray().Add(JsonNode.Parse(badStage));
        string path = scratch.File("bad.json", manifest.ToJsonString());

        // A fresh store: had anything run (debootstrap first), the store would exist.
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--json", path]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{path}: {expectedMessage}", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Store), "nothing may run before the options are valid:\n" + run);
    }

    private static string CaseA(string folder)
    {
        string own = Path.Combine(folder, "a.json");
        return File.Exists(own) ? own : StageDiffStore.BaseManifest;
    }

    /// <summary>The case is only meaningful if B is A plus exactly the stage under test.</summary>
    private static void AssertBExtendsAByTheStage(string a, string b, string stage)
    {
        JsonArray aStages = JsonNode.Parse(File.ReadAllText(a))!["pipeline"]!["stages"]!.AsArray();
        JsonArray bStages = JsonNode.Parse(File.ReadAllText(b))!["pipeline"]!["stages"]!.AsArray();
        Assert.Equal(aStages.Count + 1, bStages.Count);
        for (int i = 0; i < aStages.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(aStages[i], bStages[i]), $"stage {i} of {b} differs from {a}");
        }

        Assert.Equal("org.osbuild." + stage, (string?)bStages[^1]!["name"]);
    }
}
