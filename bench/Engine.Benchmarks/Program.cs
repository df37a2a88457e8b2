using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Short runs in this process: the machine has 2 cores shared with other builds, so a benchmark
// must finish in seconds, and the in-process toolchain does not rebuild the Host into its
// default output folders (other people build there at the same time).
IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault())
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(Environment.GetEnvironmentVariable("BENCH_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "engine-bench-artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(Engine.Benchmarks.BenchTree).Assembly).Run(args, config);
