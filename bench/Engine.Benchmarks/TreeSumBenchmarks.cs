using BenchmarkDotNet.Attributes;
using Engine.Host.Store;

namespace Engine.Benchmarks;

/// <summary>
/// The treesum (computed on every commit and checkpoint) of a 5000-file, ~130 MB tree against
/// the reference: <c>openssl dgst -sha256</c> over the same files (the page cache is warm for
/// both). <see cref="ReadOnly"/> reads every file without hashing: the I/O floor of the walk.
/// </summary>
[MemoryDiagnoser]
public class TreeSumBenchmarks
{
    private string _tree = "";
    private IReadOnlyList<string> _files = [];
    private readonly byte[] _buffer = new byte[1048576];

    [GlobalSetup]
    public void Setup()
    {
        _tree = BenchTree.Ensure(out _files);
        Console.WriteLine($"// tree {_tree}: {_files.Count} files, {_files.Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB");
    }

    [Benchmark(Baseline = true, Description = "openssl dgst -sha256 (files)")]
    public void OpenSsl() => BenchTree.RunTool("openssl", ["dgst", "-sha256", .. _files]);

    [Benchmark(Description = "TreeSum.Compute")]
    public string TreeSumCompute() => TreeSum.Compute(_tree, CancellationToken.None);

    [Benchmark(Description = "read every file, no hash")]
    public long ReadOnly()
    {
        long total = 0;
        foreach (string file in _files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            int count;
            while ((count = stream.Read(_buffer)) > 0)
            {
                total += count;
            }
        }

        return total;
    }
}
