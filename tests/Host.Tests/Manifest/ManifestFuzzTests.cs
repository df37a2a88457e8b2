using System.Text;
using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Tests.Shared;

namespace Engine.Host.Tests.Manifest;

/// <summary>
/// Property-based robustness of the loader: malformed, truncated, mutated, deeply nested and huge
/// inputs (from a seeded generator, so failures reproduce) always end in a
/// <see cref="ManifestException"/> with a position, or load; never in any other exception.
/// </summary>
public sealed class ManifestFuzzTests
{
    private static IEnumerable<string> Seeds()
    {
        foreach (string file in RepositoryData.Files(TestData.OsbuildData, "*.json", SearchOption.AllDirectories))
        {
            yield return File.ReadAllText(file);
        }
    }

    private static void AssertLoadsOrRefusesCleanly(string text, string what)
    {
        try
        {
            JValue value = JsonTextParser.Parse(text, "fuzz.json");
            ManifestDocument document = ManifestLoader.Load(value, "fuzz.json");
            _ = Engine.Host.Pipeline.Pipeline.Create(document.Pipeline);
        }
        catch (JsonInputException e)
        {
            Assert.True(e.Line >= 1 && e.Column >= 1, what);
            Assert.StartsWith("fuzz.json:", e.Message, StringComparison.Ordinal);
        }
        catch (ManifestException e)
        {
            Assert.NotEmpty(e.Errors);
            Assert.All(e.Errors, error => Assert.StartsWith("$", error.JsonPath, StringComparison.Ordinal));
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void EveryTruncation_OfEveryDataSetManifest_RefusedCleanly()
    {
        int cases = 0;
        foreach (string seed in Seeds())
        {
            for (int length = 0; length < seed.Length; length += Math.Max(1, seed.Length / 200))
            {
                AssertLoadsOrRefusesCleanly(seed[..length], $"truncated at {length}");
                cases++;
            }
        }

        Assert.True(cases > 1000, $"only {cases} cases");
    }

    [Fact]
    public void RandomMutations_RefusedCleanlyOrLoaded()
    {
        var random = new Random(20261126);
        string[] seeds = Seeds().ToArray();
        string alphabet = "{}[]\":,0123456789.eE-+ \n\tnulltruefalseNaNInfinity\\u00e9\u00ff\ud83c";
        for (int i = 0; i < 20000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            AssertLoadsOrRefusesCleanly(text.ToString(), $"mutation {i}");
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void DeepNesting_RefusedWithDepthError(int depth)
    {
        string text = "{\"stages\": [{\"name\": \"x\", \"options\": {\"a\": " + new string('[', depth) + new string(']', depth) + "}}]}";
        if (depth <= JsonTextParser.MaxDepth)
        {
            AssertLoadsOrRefusesCleanly(text, "shallow");
            return;
        }

        var error = Assert.Throws<JsonInputException>(() => JsonTextParser.Parse(text, "deep.json"));
        Assert.Contains("nests deeper than", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeManifest_TenThousandStages_LoadsWithIds()
    {
        var text = new StringBuilder("{\"stages\": [");
        for (int i = 0; i < 10_000; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append("{\"name\": \"org.osbuild.noop\", \"options\": {\"i\": ").Append(i).Append("}}");
        }

        text.Append("]}");
        var pipeline = Engine.Host.Pipeline.Pipeline.Create(ManifestLoader.Load(JsonTextParser.Parse(text.ToString(), "huge.json"), "huge.json").Pipeline);
        Assert.Equal(10_000, pipeline.Stages.Length);
        Assert.Equal(10_000, pipeline.Stages.Select(s => s.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe, 0x7b, 0x7d })]
    [InlineData(new byte[] { 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d })]
    public void InvalidUtf8_RefusedNamingTheEncoding(byte[] bytes)
    {
        var error = Assert.Throws<JsonInputException>(() => JsonTextParser.Parse(bytes, "bytes.json"));
        Assert.Contains("not valid UTF-8", error.Problem, StringComparison.Ordinal);
    }
}
