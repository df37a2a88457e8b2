using System.Diagnostics;

namespace Engine.Benchmarks;

/// <summary>
/// A deterministic tree shaped like an OS tree (many small files, a few big ones, nested
/// directories, symlinks), generated once under <c>$BENCH_DIR</c> (default
/// /var/tmp/engine-bench-micro) and reused by later runs: the same bytes every time, so figures
/// from different runs compare.
/// </summary>
public static class BenchTree
{
    public const int Directories = 50;
    public const int FilesPerDirectory = 100;

    public static string Root => Environment.GetEnvironmentVariable("BENCH_DIR") ?? "/var/tmp/engine-bench-micro";

    /// <summary>The tree's directory, created on first use; <paramref name="files"/> = every regular file in it.</summary>
    public static string Ensure(out IReadOnlyList<string> files)
    {
        string tree = Path.Combine(Root, "tree");
        string done = Path.Combine(Root, "tree.done");
        if (!File.Exists(done))
        {
            if (Directory.Exists(tree))
            {
                Directory.Delete(tree, recursive: true);
            }

            Generate(tree);
            File.WriteAllText(done, "");
        }

        files = [.. Directory.EnumerateFiles(tree, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).LinkTarget is null)
            .Order(StringComparer.Ordinal)];
        return tree;
    }

    /// <summary>A single file of <paramref name="megabytes"/> MiB of random bytes (for checksum benchmarks).</summary>
    public static string EnsureBlob(int megabytes)
    {
        string path = Path.Combine(Root, $"blob-{megabytes}M");
        if (!File.Exists(path) || new FileInfo(path).Length != megabytes * 1048576L)
        {
            Directory.CreateDirectory(Root);
            var random = new Random(megabytes);
            byte[] chunk = new byte[1048576];
            using var stream = File.Create(path);
            for (int i = 0; i < megabytes; i++)
            {
                random.NextBytes(chunk);
                stream.Write(chunk);
            }
        }

        return path;
    }

    /// <summary>Runs a program to completion with its stdout discarded; throws when it fails.</summary>
    public static void RunTool(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        process.StandardOutput.BaseStream.CopyTo(Stream.Null);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }

    // 5000 files: 90% small (0-16 KiB), 9% medium (64-512 KiB), 1% large (1-4 MiB), about 130 MB,
    // which is the shape of a minimal Debian /usr (many small files, most bytes in a few big ones).
    private static void Generate(string tree)
    {
        var random = new Random(42);
        byte[] buffer = new byte[4 * 1048576];
        for (int d = 0; d < Directories; d++)
        {
            string directory = Path.Combine(tree, $"d{d / 10:D2}", $"sub{d:D3}");
            Directory.CreateDirectory(directory);
            for (int f = 0; f < FilesPerDirectory; f++)
            {
                int roll = random.Next(100);
                int size = roll < 90 ? random.Next(16384) : roll < 99 ? random.Next(65536, 524288) : random.Next(1048576, 4194304);
                random.NextBytes(buffer.AsSpan(0, size));
                File.WriteAllBytes(Path.Combine(directory, $"file{f:D3}.bin"), buffer.AsSpan(0, size));
            }

            File.CreateSymbolicLink(Path.Combine(directory, "link"), $"file000.bin");
        }
    }
}
