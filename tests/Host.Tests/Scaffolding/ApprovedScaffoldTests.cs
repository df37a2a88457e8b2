using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

/// <summary>
/// Every language and kind, rendered for org.example.hello, compared file by file with the approved
/// files under Approved/&lt;language&gt;/&lt;kind&gt;/ (each named with an extra ".approved" so that the
/// test project never compiles an approved Program.cs). The scratch output folder is replaced by
/// /path/to/plugins before comparing. After a deliberate template change, run the tests with
/// SCAFFOLD_APPROVE=1 to rewrite the approved files, and review their diff.
/// </summary>
public sealed class ApprovedScaffoldTests
{
    private const string Suffix = ".approved";
    private const string OutputPlaceholder = "/path/to/plugins";

    private static string ApprovedRoot => Path.Combine(ScaffoldScratch.RepoRoot, "tests", "Host.Tests", "Scaffolding", "Approved");

    private static bool Approving => Environment.GetEnvironmentVariable("SCAFFOLD_APPROVE") == "1";

    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (string language in new[] { "csharp", "python", "sh" })
        {
            foreach (string kind in ScaffoldKinds.Names)
            {
                data.Add(language, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Create_OrgExampleHello_MatchesApprovedFiles(string language, string kind)
    {
        using var scratch = new ScaffoldScratch();
        scratch.Scaffolder().Create(scratch.Request(kind, language));
        string approvedDir = Path.Combine(ApprovedRoot, language, kind);
        var rendered = scratch.OutputFiles();
        if (Approving)
        {
            if (Directory.Exists(approvedDir))
            {
                Directory.Delete(approvedDir, recursive: true);
            }

            foreach (string file in rendered)
            {
                string target = Path.Combine(approvedDir, file + Suffix);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, Normalized(scratch, file));
            }
        }

        Assert.True(Directory.Exists(approvedDir), $"{approvedDir} is missing; run with SCAFFOLD_APPROVE=1 to create it");
        var approved = Directory.EnumerateFiles(approvedDir, "*" + Suffix, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(approvedDir, f)[..^Suffix.Length].Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(approved, rendered);
        foreach (string file in rendered)
        {
            Assert.True(
                File.ReadAllText(Path.Combine(approvedDir, file + Suffix)) == Normalized(scratch, file),
                $"{language}/{kind}/{file} differs from {Path.Combine(approvedDir, file + Suffix)}:\n{Normalized(scratch, file)}");
        }
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Create_AnyLanguage_PluginIsExecutableAndOtherFilesAreNot(string language, string kind)
    {
        using var scratch = new ScaffoldScratch();
        ScaffoldResult result = scratch.Scaffolder().Create(scratch.Request(kind, language));
        foreach (ScaffoldedFile file in result.Files)
        {
            UnixFileMode mode = File.GetUnixFileMode(file.FullPath);
            bool isPluginRootExecutable = file.RelativePath.Split('/') is [var folder, var name]
                && folder is "stages" or "sources" or "runners" or "assemblers"
                && !name.EndsWith(".meta.json", StringComparison.Ordinal);
            UnixFileMode expected = isPluginRootExecutable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100;
            Assert.True(mode == expected, $"{file.RelativePath}: mode {Convert.ToString((int)mode, 8)}, expected {Convert.ToString((int)expected, 8)}");
        }
    }

    private static string Normalized(ScaffoldScratch scratch, string file)
        => File.ReadAllText(Path.Combine(scratch.Output, file)).Replace(scratch.Output, OutputPlaceholder, StringComparison.Ordinal);
}
