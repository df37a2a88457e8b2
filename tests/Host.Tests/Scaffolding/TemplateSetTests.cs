using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

/// <summary>Template sets are data: a new language is a folder, and mistakes in it are reported with the file.</summary>
public sealed class TemplateSetTests
{
    private static void WriteLanguage(string templates, string language, string manifest, params (string Path, string Text)[] files)
    {
        string folder = Path.Combine(templates, language);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, TemplateSet.ManifestFileName), manifest);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), text);
        }
    }

    [Fact]
    public void Languages_RepositoryTemplates_AreCSharpPythonSh()
        => Assert.Equal(["csharp", "python", "sh"], TemplateSet.Languages(ScaffoldScratch.Templates));

    [Fact]
    public void Load_EveryRepositoryLanguage_MakesAllFourKinds()
    {
        foreach (string language in TemplateSet.Languages(ScaffoldScratch.Templates))
        {
            TemplateSet set = TemplateSet.Load(ScaffoldScratch.Templates, language);
            Assert.Equal(ScaffoldKinds.Names.Order(), set.Kinds.Keys.Order());
        }
    }

    [Fact]
    public void Create_NewLanguageFolder_IsUsedWithoutHostChange()
    {
        using var scratch = new ScaffoldScratch();
        string templates = Path.Combine(scratch.Root, "templates");
        WriteLanguage(templates, "ruby", """
            {"description": "Ruby", "variables": {"greeting": "hi"},
             "kinds": {"stage": {"files": [{"template": "stage.rb.sbn", "path": "stages/{{ name }}", "executable": true, "about": "the stage"}],
                                 "next": ["ruby -c {{ output }}/stages/{{ name }}"]}}}
            """, ("stage.rb.sbn", "#!/usr/bin/ruby\n# {{ greeting }} from {{ name }} ({{ kind }} in {{ kind_dir }}, {{ pascal_name }})\n"));

        ScaffoldResult result = scratch.Scaffolder(templates: templates).Create(scratch.Request("stage", "ruby", "org.example.hello-world"));

        Assert.Equal("#!/usr/bin/ruby\n# hi from org.example.hello-world (stage in stages, OrgExampleHelloWorld)\n", File.ReadAllText(Path.Combine(scratch.Output, "stages", "org.example.hello-world")));
        Assert.Equal([$"ruby -c {scratch.Output}/stages/org.example.hello-world"], result.Next);
    }

    [Fact]
    public void Create_KindTheLanguageDoesNotMake_SaysWhichItMakes()
    {
        using var scratch = new ScaffoldScratch();
        string templates = Path.Combine(scratch.Root, "templates");
        WriteLanguage(templates, "ruby", """{"kinds": {"stage": {"files": [{"template": "s.sbn", "path": "stages/{{ name }}"}]}}}""", ("s.sbn", ""));
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder(templates: templates).Create(scratch.Request("runner", "ruby")));
        Assert.Contains("make no runner (they make: stage)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownVariableInTemplate_FailsNamingTemplateAndWritesNothing()
    {
        using var scratch = new ScaffoldScratch();
        string templates = Path.Combine(scratch.Root, "templates");
        WriteLanguage(templates, "ruby", """{"kinds": {"stage": {"files": [{"template": "a.sbn", "path": "a"}, {"template": "b.sbn", "path": "b"}]}}}""",
            ("a.sbn", "fine"), ("b.sbn", "{{ nmae }}"));
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder(templates: templates).Create(scratch.Request("stage", "ruby")));
        Assert.Contains("b.sbn", e.Message, StringComparison.Ordinal);
        Assert.Contains("nmae", e.Message, StringComparison.Ordinal);
        Assert.Empty(scratch.OutputFiles());
    }

    [Theory]
    [InlineData("""{"kinds": {"stage": {"files": [{"template": "../../outside.sbn", "path": "a"}]}}}""", "outside the templates folder")]
    [InlineData("""{"kinds": {"stage": {"files": [{"template": "missing.sbn", "path": "a"}]}}}""", "missing.sbn does not exist")]
    [InlineData("""{"kinds": {"device": {"files": [{"template": "s.sbn", "path": "a"}]}}}""", "unknown kind \"device\"")]
    [InlineData("""{"kinds": {"stage": {"files": []}}}""", "kinds.stage must be an object with a non-empty \"files\" array")]
    [InlineData("""{"kinds": {"stage": {"files": [{"path": "a"}]}}}""", "kinds.stage.files[0] must be an object")]
    [InlineData("""{"variables": [], "kinds": {}}""", "\"variables\" must be an object")]
    [InlineData("""{"kinds": {"stage": {"files": [{"template": "s.sbn", "path": "a"}], "next": "make"}}}""", "\"kinds.stage.next\" must be an array of strings")]
    [InlineData("""{"kinds": """, "not valid JSON")]
    public void Load_MalformedManifest_NamesFileAndProblem(string manifest, string expected)
    {
        using var scratch = new ScaffoldScratch();
        string templates = Path.Combine(scratch.Root, "templates");
        WriteLanguage(templates, "ruby", manifest, ("s.sbn", ""));
        var e = Assert.Throws<ScaffoldException>(() => TemplateSet.Load(templates, "ruby"));
        Assert.StartsWith(Path.Combine(templates, "ruby", "template.json") + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("{{ '' }}")]
    public void Create_TargetOutsideOutput_Fails(string target)
    {
        using var scratch = new ScaffoldScratch();
        string templates = Path.Combine(scratch.Root, "templates");
        WriteLanguage(templates, "ruby", """{"kinds": {"stage": {"files": [{"template": "s.sbn", "path": """ + "\"" + target + "\"}]}}}", ("s.sbn", "x"));
        var e = Assert.Throws<ScaffoldException>(() => scratch.Scaffolder(templates: templates).Create(scratch.Request("stage", "ruby")));
        Assert.Contains("not a path inside the output folder", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(scratch.Root, "escape")));
    }
}
