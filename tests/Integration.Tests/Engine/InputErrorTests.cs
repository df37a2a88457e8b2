namespace Engine.Integration.Tests.Engine;

/// <summary>Bad input is refused before anything runs: exit 2, with the file, the JSON path and what to do.</summary>
public sealed class InputErrorTests
{
    [Fact]
    public void MalformedJson_Exit2NamingFileLineAndPath()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("bad.json", "{\"stages\": [{\"name\": \"org.osbuild.noop\",}]}");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{manifest}: $.stages[0]: line 1, column 41: expected a member name in double quotes, found '}}'", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Store), "nothing may be created for invalid input");
    }

    [Fact]
    public void WrongShape_AllProblemsReportedWithPaths()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("shape.json", """{"pipeline": {"build": {"pipeline": {}}, "stages": [{"options": {}}, 3], "assembler": {"name": 5}}}""");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.pipeline.build.runner: missing", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("$.pipeline.stages[0].name: missing", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("$.pipeline.stages[1]: expected a stage object", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("$.pipeline.assembler.name: expected the assembler's name as a non-empty string, found an integer", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("4 problems found", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownPlugin_Exit2ListingWhereItLookedAndNearMatches()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("unknown.json", """{"stages": [{"name": "org.osbuild.hostnam"}]}""");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no stage named 'org.osbuild.hostnam'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Did you mean org.osbuild.hostname", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("/lib/osbuild/stages", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SchemaViolations_AllStagesReportedAtOnce()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("schema.json", """
            {"stages": [
               {"name": "org.osbuild.hostname", "options": {}},
               {"name": "org.osbuild.noop"},
               {"name": "org.osbuild.fstab", "options": {"filesystems": [{"path": "/"}]}}
             ],
             "assembler": {"name": "org.osbuild.tar", "options": {"filename": "x.tar", "compression": "rar"}}}
            """);
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("$.stages[0].options: org.osbuild.hostname (stage 1 of 3)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("$.stages[2].options.filesystems[0]: org.osbuild.fstab (stage 3 of 3)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("$.assembler.options.compression: org.osbuild.tar (assembler)", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Store), "no container may start before validation passed");
    }

    [Fact]
    public void UsageError_Exit2()
    {
        Osbuild.Result run = Osbuild.Run(["--no-such-flag"]);
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public void AbbreviatedLongOption_AcceptedLikeArgparse()
    {
        using var scratch = new TempStore();
        Osbuild.Result run = Osbuild.Run(["--insp", "--sto", scratch.Store, Path.Combine(Osbuild.SharedData, "samples", "noop.json")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("beda46704765a47e6d4f44aff22168ae36866c9c0e6e11552b775b77776b2969", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void NotExecutablePlugin_Exit2BeforeAnythingRuns()
    {
        using var scratch = new TempStore();
        string root = Path.Combine(scratch.Root, "plugins");
        string stage = Path.Combine(root, "stages", "org.example.plain");
        Directory.CreateDirectory(Path.GetDirectoryName(stage)!);
        File.WriteAllText(stage, "#!/bin/sh\necho never\n");
        string manifest = scratch.File("plain.json", """{"stages": [{"name": "org.example.plain"}]}""");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", root, manifest]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"stage org.example.plain ({stage}) is not executable; make it so with `chmod +x {stage}`", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.Store), "no container may start before validation passed");
    }
}
