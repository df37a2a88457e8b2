using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Tests;
using P = Engine.Host.Pipeline.Pipeline;
using Engine.Tests.Shared;

namespace Engine.Host.Tests.Pipeline;

public sealed class StageIdTests
{
    private static P Load(string json) => P.Create(ManifestLoader.Load(JsonTextParser.Parse(json, "test.json"), "test.json").Pipeline);

    private static P LoadData(params string[] parts)
    {
        string path = TestData.Path_(parts);
        return P.Create(ManifestLoader.LoadFile(path, TextReader.Null).Pipeline);
    }

    [Fact]
    public void Noop_Sample_MatchesOsbuildIds()
    {
        P pipeline = LoadData("samples", "noop.json");
        Assert.Equal("beda46704765a47e6d4f44aff22168ae36866c9c0e6e11552b775b77776b2969", pipeline.TreeId);
        Assert.Equal("7a3f428423152989c6fbfac6c74f2a231670a195803fd804fd63b432fbbd0b9f", pipeline.OutputId);
    }

    [Theory]
    [InlineData("samples/error.json", "1a5b5353830152df30f92ad6390dd5836f913b5541ed50d9fad43e3a5ef8a0f3", "90b56866730f30daaf84282463263e9524267bf36725cbce7e0c8a80229a734c")]
    [InlineData("samples/base-qcow2.json", "8c8d38c0f8ae5f36ee9ef1b95b5285fff2d4779ae602dc04174b787da1388e08", "50d46e1e6cd4895f4ec3aab8596a004e1d318a873c6864aa8a6127e7b1a53d37")]
    [InlineData("test/pipelines/f30-boot.json", "0b4be428bd1ef739f70da8aa5c8a6a524607f061dce498014522325a0c828be7", "3b1a47c6bc115fd83a7740a4b825439bb954dad062ca7d05baedc7c3944a75f4")]
    [InlineData("samples/f27-build-from-ubuntu1804.json", "8eb2137c89e8c51d86dc05e27bccdfecf3fbbdd51631831a5cddac50c60ed785", null)]
    [InlineData("test/stages_tests/rpm/a.json", null, null)]
    public void DataSet_Manifest_MatchesReferenceIds(string file, string? treeId, string? outputId)
    {
        P pipeline = LoadData(file.Split('/'));
        Assert.Equal(treeId, pipeline.TreeId);
        Assert.Equal(outputId, pipeline.OutputId);
    }

    [Fact]
    public void F30Boot_BuildPipeline_MatchesReferenceTreeId()
    {
        P pipeline = LoadData("test", "pipelines", "f30-boot.json");
        Assert.Equal("293558d482bd31ebe50acfd4216fb6d459530b597206c43e791bf1d97e64ec63", pipeline.Build!.TreeId);
    }

    [Fact]
    public void F30Base_EveryStage_MatchesWorkedExampleB()
    {
        P pipeline = LoadData("test", "pipelines", "f30-base.json");
        Assert.Equal("2337e3c6bdbe187dc0a984e0b031748cdb9fca40ba8db46fa74b465d2d434103", pipeline.Build!.TreeId);
        Assert.Equal("4df9fe502e071c378f52a4246dc1783dc075f159b0149ad5efbcadf8c64d9b63", pipeline.Stages[0].Id);
        Assert.Equal("aced8a8b38f59f47c0075ea009ed2195eafdf9f483fbc2fd6057cc6b2560cc0e", pipeline.TreeId);
        Assert.Null(pipeline.OutputId);
    }

    [Fact]
    public void UnicodeFloatsBigIntsKeyOrder_WorkedExampleC_MatchesReference()
    {
        // Given a manifest (literal non-ASCII characters, escapes, floats, big ints)
        const string manifest = """
        {
          "pipeline": {
            "build": {
              "runner": "org.osbuild.fedora30",
              "pipeline": { "stages": [ { "name": "org.osbuild.noop", "options": { "zeta": 1, "Alpha": "x/y" } } ] }
            },
            "stages": [
              {
                "name": "org.osbuild.noop",
                "options": {
                  "text": "Grüße \"東京\" 🎉\n\t\u007f",
                  "ratio": 0.1, "big": 1e16, "mid": 1E15, "tiny": 0.00001, "small": 0.0001, "two": 2.0,
                  "neg0": -0.0, "negint": -0, "int": 10, "huge": 123456789012345678901234567890,
                  "flag": true, "off": false, "none": null, "empty": {}, "list": [1, 2.50, "é", []],
                  "\uffff": 1, "😀": 2, "Z": 3, "a": 4
                }
              },
              { "name": "org.osbuild.noop", "options": [] }
            ],
            "assembler": { "name": "org.osbuild.noop", "options": { "x": 3.0 } }
          },
          "sources": {}
        }
        """;

        P pipeline = Load(manifest);

        Assert.Equal("dd7bee502b7e2e18d7e7bb99b06469d070712362d63602ec3f8798dc057d9d00", pipeline.Build!.TreeId);
        Assert.Equal(
            """{"Z": 3, "a": 4, "big": 1e+16, "empty": {}, "flag": true, "huge": 123456789012345678901234567890, "int": 10, "list": [1, 2.5, "\u00e9", []], "mid": 1000000000000000.0, "neg0": -0.0, "negint": 0, "none": null, "off": false, "ratio": 0.1, "small": 0.0001, "text": "Gr\u00fc\u00dfe \"\u6771\u4eac\" \ud83c\udf89\n\t\u007f", "tiny": 1e-05, "two": 2.0, "\uffff": 1, "\ud83d\ude00": 2}""",
            PythonJson.Canonical(pipeline.Stages[0].Options));
        Assert.Equal("dd90217b7b403a0f8e0ade7e6168346aa5cf2875231bd1c4457400c2bb8157de", pipeline.Stages[0].Id);
        Assert.Equal("e17a434eec26499155385186d96344cc2791929a8b068f4b6ebceaf60f9714c3", pipeline.TreeId);
        Assert.Equal("46e2315fa86f9b484ae2d607117495003dcd00c86c70693117b85938502d91b5", pipeline.OutputId);
    }

    [Fact]
    public void BuildEnvironment_Attached_ChangesNoId()
    {
        P pipeline = LoadData("test", "pipelines", "f30-boot.json");
        P other = pipeline.WithBuildEnvironment("org.osbuild.ubuntu1804", null);
        Assert.Equal(pipeline.TreeId, other.TreeId);
        Assert.Equal(pipeline.OutputId, other.OutputId);
        Assert.Equal("org.osbuild.ubuntu1804", other.Build!.Runner);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"assembler": null}""")]
    [InlineData("""{"stages": []}""")]
    [InlineData("""{"build": {}}""")]
    [InlineData("""{"build": null}""")]
    public void EmptyForms_Describe_AsEmptyObject(string json)
    {
        Assert.Equal("{}", PythonJson.Canonical(Load(json).Describe(withIds: false)));
    }

    [Fact]
    public void Describe_SpecExample_MatchesCanonicalDescription()
    {
        const string json = """
        {"build": {"runner": "org.osbuild.test", "pipeline": {"stages": [{"name": "org.osbuild.test", "options": {"one": 1}}]}},
         "stages": [{"name": "org.osbuild.test", "options": {"one": 2}}],
         "assembler": {"name": "org.osbuild.test"}}
        """;
        Assert.Equal(
            """{"build": {"pipeline": {"stages": [{"name": "org.osbuild.test", "options": {"one": 1}}]}, "runner": "org.osbuild.test"}, "stages": [{"name": "org.osbuild.test", "options": {"one": 2}}], "assembler": {"name": "org.osbuild.test"}}""",
            PythonJson.Compact(Load(json).Describe(withIds: false)));
    }

    public static TheoryData<string> AllManifests()
    {
        var data = new TheoryData<string>();
        foreach (string file in RepositoryData.Files(TestData.OsbuildData, "*.json", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(TestData.OsbuildData, file);
            if (relative.StartsWith("samples", StringComparison.Ordinal) || relative.Contains("stages_tests", StringComparison.Ordinal) || relative.StartsWith("test/pipelines/f30", StringComparison.Ordinal))
            {
                if (!relative.EndsWith("diff.json", StringComparison.Ordinal) && !relative.EndsWith("sources.json", StringComparison.Ordinal) && !relative.EndsWith("ubuntu1804.json", StringComparison.Ordinal))
                {
                    data.Add(relative);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllManifests))]
    public void DataSet_EveryManifest_LoadsAndHasStableIds(string relative)
    {
        P first = LoadData(relative.Split('/'));
        P second = LoadData(relative.Split('/'));
        Assert.Equal(first.TreeId, second.TreeId);
        Assert.All(first.Stages, s => Assert.Matches("^[0-9a-f]{64}$", s.Id));
    }
}
