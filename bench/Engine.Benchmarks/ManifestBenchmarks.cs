using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Pipeline;

namespace Engine.Benchmarks;

/// <summary>
/// What the host does with a manifest before anything runs, over every manifest of the osbuild
/// data set at once (about 120 KB, 17 files; base-rpm-qcow2.json alone is 92 KB): parse, canonical
/// JSON (what ids hash), and load + every stage and assembler id.
/// </summary>
[MemoryDiagnoser]
public class ManifestBenchmarks
{
    private readonly List<(string Name, string Text)> _texts = [];
    private readonly List<JValue> _roots = [];

    [GlobalSetup]
    public void Setup()
    {
        string samples = Environment.GetEnvironmentVariable("BENCH_SAMPLES") ?? Path.Combine(RepositoryRoot(), "tests", "data", "osbuild", "samples");
        foreach (string file in Directory.EnumerateFiles(samples, "*.json").Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file);
            _texts.Add((file, text));
            _roots.Add(JsonTextParser.Parse(text, file));
        }

        if (_texts.Count == 0)
        {
            throw new InvalidOperationException($"no *.json in {samples} (set BENCH_SAMPLES)");
        }
    }

    [Benchmark(Description = "parse all samples")]
    public int Parse()
    {
        int count = 0;
        foreach (var (name, text) in _texts)
        {
            count += JsonTextParser.Parse(text, name) is JValue.Object ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Description = "canonical JSON of all samples")]
    public int Canonical()
    {
        int length = 0;
        foreach (JValue root in _roots)
        {
            length += PythonJson.Canonical(root).Length;
        }

        return length;
    }

    [Benchmark(Description = "load + ids of all samples")]
    public int Ids()
    {
        int stages = 0;
        for (int i = 0; i < _roots.Count; i++)
        {
            try
            {
                ManifestDocument document = ManifestLoader.Load(_roots[i], _texts[i].Name);
                Pipeline pipeline = Pipeline.Create(document.Pipeline);
                stages += pipeline.SelfAndBuilds().Sum(p => p.Stages.Length + (p.OutputId is null ? 0 : 1));
            }
            catch (ManifestException)
            {
                // sources.json and error.json are not valid manifests; the loader's rejection is part of the cost.
            }
        }

        return stages;
    }

    /// <summary>The repository, found from this source file (the benchmark binary runs from an artifacts folder).</summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
