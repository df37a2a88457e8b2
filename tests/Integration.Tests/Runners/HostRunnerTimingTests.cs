using System.Diagnostics;
using System.Globalization;
using Engine.Integration.Tests.Stages;

namespace Engine.Integration.Tests.Runners;

/// <summary>Runs alone (no other test collection in parallel), so that the timing means something.</summary>
[CollectionDefinition(nameof(RunnerTimingCollection), DisableParallelization = true)]
public sealed class RunnerTimingCollection;

/// <summary>
/// The cost org.osbuild.host adds to every stage; the target is 15 ms. Measured as CPU time
/// (user + system of all processes of the runs, from the shell's <c>times</c>), which a loaded
/// machine does not inflate the way it inflates wall-clock time; the wall-clock figure is printed.
/// No pid namespace here: with one, bwrap's init reaps the command and its CPU time never
/// reaches the shell.
/// </summary>
[Collection(nameof(RunnerTimingCollection))]
public sealed class HostRunnerTimingTests
{
    private const int Runs = 20;

    [Fact]
    public async Task Host_Overhead_WithinBudget()
    {
        using var sandbox = new RunnerSandbox(unsharePid: false);
        (double directCpu, double directWall) = await MeasureAsync(sandbox.Command(["/usr/bin/true"]));
        (double runnerCpu, double runnerWall) = await MeasureAsync(sandbox.Command(["/run/osbuild/lib/runners/org.osbuild.host", "/usr/bin/true"]));

        double cpu = (runnerCpu - directCpu) / Runs;
        double wall = (runnerWall - directWall) / Runs;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"per stage: bwrap alone {directCpu / Runs:F1} ms CPU, {directWall / Runs:F1} ms wall; org.osbuild.host adds {cpu:F1} ms CPU, {wall:F1} ms wall");
        Assert.True(cpu < 15, $"org.osbuild.host adds {cpu:F1} ms of CPU time per stage (mean of {Runs})");
    }

    /// <summary>Runs the command <see cref="Runs"/> times in one shell; returns CPU (children) and wall milliseconds.</summary>
    private static async Task<(double CpuMs, double WallMs)> MeasureAsync(IReadOnlyList<string> command)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-c", $"for i in $(seq {Runs}); do \"$@\" || exit 1; done; times", "bash", .. command])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        PluginResult result = await ProcessRunner.RunAsync(startInfo, "");
        double wall = clock.Elapsed.TotalMilliseconds;
        Assert.True(result.ExitCode == 0, result.ToString());

        // `times` prints the shell's own user/system time, then its children's: "0m0.010s 0m0.020s".
        string children = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        double cpu = children.Split(' ').Sum(Milliseconds);
        return (cpu, wall);
    }

    private static double Milliseconds(string minutesSeconds)
    {
        string[] parts = minutesSeconds.TrimEnd('s').Split('m');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture) * 60 + double.Parse(parts[1], CultureInfo.InvariantCulture)) * 1000;
    }
}
