using System.Diagnostics;

namespace Engine.Integration.Tests.Runners;

/// <summary>Runs alone (no other test collection in parallel), so that the timing means something.</summary>
[CollectionDefinition(nameof(RunnerTimingCollection), DisableParallelization = true)]
public sealed class RunnerTimingCollection;

/// <summary>The cost org.osbuild.host adds to every stage (target: 15 ms).</summary>
[Collection(nameof(RunnerTimingCollection))]
public sealed class HostRunnerTimingTests
{
    [Fact]
    public async Task Host_Overhead_WithinBudget()
    {
        // The target is 15 ms per stage; the bound leaves room for a loaded CI machine.
        using var sandbox = new RunnerSandbox();
        await sandbox.RunAsync("host", ["/usr/bin/true"]);
        var direct = new List<double>();
        var viaRunner = new List<double>();
        for (int i = 0; i < 15; i++)
        {
            direct.Add(await TimeAsync(() => sandbox.RunCommandAsync(["/usr/bin/true"])));
            viaRunner.Add(await TimeAsync(() => sandbox.RunAsync("host", ["/usr/bin/true"])));
        }

        double overhead = Median(viaRunner) - Median(direct);
        TestContext.Current.TestOutputHelper?.WriteLine($"bwrap alone {Median(direct):F1} ms, with org.osbuild.host {Median(viaRunner):F1} ms: runner overhead {overhead:F1} ms");
        Assert.True(overhead < 50, $"org.osbuild.host adds {overhead:F1} ms per stage (median of 15)");
    }

    private static async Task<double> TimeAsync(Func<Task<SandboxResult>> run)
    {
        var clock = Stopwatch.StartNew();
        SandboxResult result = await run();
        Assert.True(result.ExitCode == 0, result.ToString());
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
