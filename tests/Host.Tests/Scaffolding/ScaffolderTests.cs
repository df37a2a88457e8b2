using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

public sealed class ScaffolderTests
{
    [Fact]
    public void Create_PythonStage_WritesPluginRootLayout()
    {
        using var scratch = new ScaffoldScratch();
        ScaffoldResult result = scratch.Scaffolder().Create(scratch.Request("stage", "python"));
        Assert.Equal(
            ["org.example.hello.README.md", "org.example.hello.test.json", "stages/org.example.hello", "stages/org.example.hello.meta.json"],
            scratch.OutputFiles());
        Assert.Equal(scratch.Output, result.Output);
        Assert.All(result.Files, f => Assert.False(f.Overwritten));
        Assert.Equal($"sudo osbuild --plugin-path {scratch.Output} {scratch.Output}/org.example.hello.test.json", result.Next[^1]);
    }

    [Fact]
    public void Create_CSharpStage_ProjectUnderSrcAndPublishCommandFirst()
    {
        using var scratch = new ScaffoldScratch();
        ScaffoldResult result = scratch.Scaffolder(repository: "/repo").Create(scratch.Request("stage", "csharp"));
        Assert.Contains("src/org.example.hello/org.example.hello.csproj", scratch.OutputFiles());
        Assert.Equal($"dotnet publish {scratch.Output}/src/org.example.hello/org.example.hello.csproj -c Release", result.Next[0]);
        string project = File.ReadAllText(Path.Combine(scratch.Output, "src", "org.example.hello", "org.example.hello.csproj"));
        Assert.Contains("<ProjectReference Include=\"/repo/src/Protocol/Engine.Protocol.csproj\" />", project, StringComparison.Ordinal);
        Assert.Contains("<RootNamespace>Org.Example.Hello</RootNamespace>", project, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CSharpWithoutRepository_FailsNamingOsbuildRepo()
    {
        using var scratch = new ScaffoldScratch();
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder(repository: null).Create(scratch.Request("stage", "csharp")));
        Assert.Contains("OSBUILD_REPO", e.Message, StringComparison.Ordinal);
        Assert.Empty(scratch.OutputFiles());
    }

    [Fact]
    public void Create_ExistingFile_RefusesNamingItAndWritesNothing()
    {
        using var scratch = new ScaffoldScratch();
        string mine = Path.Combine(scratch.Output, "stages", "org.example.hello.meta.json");
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.WriteAllText(mine, "mine");

        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("stage", "sh")));

        Assert.Contains(mine, e.Message, StringComparison.Ordinal);
        Assert.Contains("--force", e.Message, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(mine));
        Assert.Equal(["stages/org.example.hello.meta.json"], scratch.OutputFiles());
    }

    [Fact]
    public void Create_SecondTime_RefusesNamingEveryFile()
    {
        using var scratch = new ScaffoldScratch();
        ScaffoldResult first = scratch.Scaffolder().Create(scratch.Request("source", "python"));
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("source", "python")));
        Assert.All(first.Files, f => Assert.Contains(f.FullPath, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_ExistingFileWithForce_OverwritesAndSaysSo()
    {
        using var scratch = new ScaffoldScratch();
        string mine = Path.Combine(scratch.Output, "stages", "org.example.hello");
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.WriteAllText(mine, "mine");

        ScaffoldResult result = scratch.Scaffolder().Create(scratch.Request("stage", "sh", force: true));

        Assert.StartsWith("#!/bin/sh", File.ReadAllText(mine), StringComparison.Ordinal);
        Assert.Equal(["stages/org.example.hello"], result.Files.Where(f => f.Overwritten).Select(f => f.RelativePath));
    }

    [Fact]
    public void Create_ExistingDirectoryInTheWay_RefusesEvenWithForce()
    {
        using var scratch = new ScaffoldScratch();
        // the README is the last file of the sh stage: nothing before it may be written either
        Directory.CreateDirectory(Path.Combine(scratch.Output, "org.example.hello.README.md"));
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("stage", "sh", force: true)));
        Assert.Contains($"{scratch.Output}/org.example.hello.README.md is a directory", e.Message, StringComparison.Ordinal);
        Assert.Empty(scratch.OutputFiles());
    }

    [Fact]
    public void Create_FileWhereFolderBelongs_FailsWithPath()
    {
        using var scratch = new ScaffoldScratch();
        Directory.CreateDirectory(scratch.Output);
        File.WriteAllText(Path.Combine(scratch.Output, "stages"), "");
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("stage", "sh")));
        Assert.StartsWith($"cannot write {scratch.Output}/stages/org.example.hello: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stage", "stages")]
    [InlineData("runner", "runners")]
    public void Create_NameOfBuiltinOfSameKind_RefusedUnlessForced(string kind, string folder)
    {
        using var scratch = new ScaffoldScratch();
        Directory.CreateDirectory(Path.Combine(scratch.LibDir, folder));
        // Built-ins are symlinks to the multi-call binary; a dangling one still names a built-in.
        File.CreateSymbolicLink(Path.Combine(scratch.LibDir, folder, "org.example.hello"), "../osbuild-builtin");

        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request(kind, "sh")));
        Assert.Contains($"built-in {kind}", e.Message, StringComparison.Ordinal);
        Assert.Contains("--force", e.Message, StringComparison.Ordinal);
        Assert.Empty(scratch.OutputFiles());

        scratch.Scaffolder().Create(scratch.Request(kind, "sh", force: true));
        Assert.Contains($"{folder}/org.example.hello", scratch.OutputFiles());
    }

    [Fact]
    public void Create_NameOfBuiltinOfOtherKind_IsAccepted()
    {
        using var scratch = new ScaffoldScratch();
        Directory.CreateDirectory(Path.Combine(scratch.LibDir, "sources"));
        File.WriteAllText(Path.Combine(scratch.LibDir, "sources", "org.example.hello"), "");
        scratch.Scaffolder().Create(scratch.Request("stage", "sh"));
        Assert.Contains("stages/org.example.hello", scratch.OutputFiles());
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("org.Example.hello")]
    [InlineData("org.example.hello/../../x")]
    public void Create_BadName_FailsAndWritesNothing(string name)
    {
        using var scratch = new ScaffoldScratch();
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("stage", "sh", name)));
        Assert.Equal(PluginName.Problem(name), e.Message);
        Assert.False(Directory.Exists(scratch.Output));
    }

    [Fact]
    public void Create_UnknownLanguage_ListsLanguages()
    {
        using var scratch = new ScaffoldScratch();
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("stage", "cobol")));
        Assert.Contains("no templates for language 'cobol'", e.Message, StringComparison.Ordinal);
        Assert.Contains("csharp, python, sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownKind_ListsKinds()
    {
        using var scratch = new ScaffoldScratch();
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder().Create(scratch.Request("device", "sh")));
        Assert.Contains("stage, source, runner, assembler", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SourceTestManifest_ChecksumMatchesServedText()
    {
        using var scratch = new ScaffoldScratch();
        scratch.Scaffolder().Create(scratch.Request("source", "sh"));
        string manifest = File.ReadAllText(Path.Combine(scratch.Output, "org.example.hello.test.json"));
        // sha256 of "Hello from org.example.hello", the text the manifest gives the source to serve
        string checksum = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("Hello from org.example.hello"u8));
        Assert.Contains($"\"{checksum}\": \"Hello from org.example.hello\"", manifest, StringComparison.Ordinal);
        Assert.Contains($"\"checksum\": \"{checksum}\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OutputWithSpace_NextCommandsAreQuoted()
    {
        using var scratch = new ScaffoldScratch();
        string output = Path.Combine(scratch.Root, "my plugins");
        ScaffoldResult result = scratch.Scaffolder().Create(new ScaffoldRequest("stage", "org.example.hello", "sh", output, Force: false));
        Assert.Equal($"sudo osbuild --plugin-path '{output}' '{output}/org.example.hello.test.json'", result.Next[^1]);
    }
}
