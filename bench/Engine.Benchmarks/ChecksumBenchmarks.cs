using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Engine.Benchmarks;

/// <summary>
/// Verifying a download's checksum while reading it (what a source does with every file it
/// fetches or finds in its cache), on a 128 MiB file in the page cache, against
/// <c>openssl dgst -sha256</c> of the same file.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private const int Megabytes = 128;
    private string _file = "";
    private byte[] _expected = [];

    [Params(65536, 1048576)]
    public int BufferSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = BenchTree.EnsureBlob(Megabytes);
        using var stream = File.OpenRead(_file);
        _expected = SHA256.HashData(stream);
    }

    [Benchmark(Baseline = true, Description = "openssl dgst -sha256 (file)")]
    public void OpenSsl() => BenchTree.RunTool("openssl", ["dgst", "-sha256", _file]);

    [Benchmark(Description = "IncrementalHash while reading")]
    public bool IncrementalHashWhileReading()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        byte[] buffer = new byte[BufferSize];
        int count;
        while ((count = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, count);
        }

        return CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), _expected);
    }

    [Benchmark(Description = "IncrementalHash while copying")]
    public bool IncrementalHashWhileCopying()
    {
        // A source that publishes a file into its cache reads, hashes and writes each block once.
        string copy = _file + ".copy";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var input = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        using (var output = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            byte[] buffer = new byte[BufferSize];
            int count;
            while ((count = input.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, count);
                output.Write(buffer, 0, count);
            }
        }

        File.Delete(copy);
        return CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), _expected);
    }
}
