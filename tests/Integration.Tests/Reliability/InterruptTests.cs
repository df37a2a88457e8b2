using System.Diagnostics;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>
/// SIGINT and SIGTERM during real builds: the exit status is 130 or 143, and no container process,
/// mount, loop device, ref, object or temporary directory is left behind.
/// </summary>
public sealed class InterruptTests
{
    private static string FixturePlugins => Path.Combine(Osbuild.Fixtures, "plugins");

    private static (Process Process, StringWriter Output) Start(string store, string manifest, params string[] extra)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        // Through env: a test run started in the background by a shell inherits SIGINT ignored, and
        // then the signals these tests send would test nothing. env execs osbuild (same pid).
        var start = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["--default-signal=INT,QUIT", Osbuild.Binary, "--store", store, "--plugin-path", FixturePlugins, .. extra, manifest])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringWriter();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static string Text(StringWriter output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public void Signal_DuringStage_CleanExitNothingLeft(string signal, int expectedExit)
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("hang.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.test.hang"}]}""");
        var (process, output) = Start(scratch.Store, manifest);
        using (process)
        {
            Assert.True(SystemState.WaitFor(() => Text(output).Contains("hanging", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text(output));

            SystemState.Signal(process.Id, signal);

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "osbuild did not stop after SIG" + signal);
            Assert.Equal(expectedExit, process.ExitCode);
        }

        Assert.Empty(SystemState.Processes("sleep\u00001000"));
        Assert.Empty(SystemState.MountsBelow(scratch.Root));
        Assert.Empty(scratch.Leftovers);
        Assert.Empty(scratch.Refs);
        Assert.Empty(scratch.Objects);
    }

    /// <summary>Stores org.test.populate's tree, so that a pipeline starting with it works on an overlay over it.</summary>
    private static void BuildCachedBase(TempStore scratch)
    {
        string baseManifest = scratch.File("base.json", """{"stages": [{"name": "org.test.populate"}]}""");
        var (first, firstOutput) = Start(scratch.Store, baseManifest);
        using (first)
        {
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(120)) && first.ExitCode == 0, Text(firstOutput));
        }
    }

    [Fact]
    public void Sigterm_DuringStageOnAnOverlayOverACachedBase_NoMountLeftAndBaseIntact()
    {
        OverlayTreeTests.SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        // Given a store that has the first stage's tree, so that the next build works on an overlay over it
        BuildCachedBase(scratch);

        string[] refsBefore = scratch.Refs;
        string[] objectsBefore = scratch.Objects;
        string manifest = scratch.File("hang.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.test.modify"}, {"name": "org.test.hang"}]}""");
        var (process, output) = Start(scratch.Store, manifest);
        using (process)
        {
            Assert.True(SystemState.WaitFor(() => Text(output).Contains("hanging", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text(output));
            // The overlay is there while the stage runs, in the host's own mount namespace only
            Assert.NotEmpty(SystemState.MountsBelow(scratch.Store, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Empty(SystemState.MountsBelow(scratch.Store));

            // When the build is stopped with SIGTERM during the stage after the one that changed the overlay
            SystemState.Signal(process.Id, "TERM");

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "osbuild did not stop after SIGTERM");
            Assert.Equal(143, process.ExitCode);
        }

        // Then the overlay is unmounted, nothing of the run is left, and the base is as it was
        Assert.Empty(SystemState.MountsBelow(scratch.Root));
        Assert.Empty(scratch.Leftovers);
        Assert.Equal(refsBefore, scratch.Refs);
        Assert.Equal(objectsBefore, scratch.Objects);
        string baseTree = Path.Combine(scratch.Store, "refs", refsBefore.Single());
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(baseTree, "dir", "file")));
        Assert.True(File.Exists(Path.Combine(baseTree, "dangling")) || new FileInfo(Path.Combine(baseTree, "dangling")).LinkTarget is not null);
    }

    [Fact]
    public void Sigkill_DuringStageOnAnOverlay_NoMountOutlivesTheHost()
    {
        OverlayTreeTests.SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        BuildCachedBase(scratch);

        string manifest = scratch.File("hang.json", """{"stages": [{"name": "org.test.populate"}, {"name": "org.test.hang"}]}""");
        var (process, output) = Start(scratch.Store, manifest);
        using (process)
        {
            Assert.True(SystemState.WaitFor(() => Text(output).Contains("hanging", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text(output));
            string pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string mountNamespace = new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget!;
            Assert.NotEmpty(SystemState.MountsBelow(scratch.Store, pid));

            // When the host is killed outright, with no chance to clean up
            SystemState.Signal(process.Id, "KILL");
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "osbuild did not die after SIGKILL");

            // Then its mount namespace, and the overlay in it, is gone with it, and the container with it (--die-with-parent)
            Assert.NotEqual(new FileInfo("/proc/self/ns/mnt").LinkTarget, mountNamespace);
            Assert.True(SystemState.WaitFor(() => SystemState.Processes("sleep\u00001000").Count == 0, TimeSpan.FromSeconds(10)), "the stage outlived the host");
        }

        Assert.Empty(SystemState.MountsBelow(scratch.Root));
    }

    [Fact]
    public void Sigint_DuringAssemblyHoldingLoopDevice_DeviceDetached()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("loop.json", """{"stages": [{"name": "org.test.populate"}], "assembler": {"name": "org.test.loop-hang"}}""");
        var (process, output) = Start(scratch.Store, manifest);
        using (process)
        {
            Assert.True(SystemState.WaitFor(() => Text(output).Contains("attached", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), Text(output));
            Assert.Contains("\"devname\": \"loop", Text(output), StringComparison.Ordinal);
            Assert.NotEmpty(SystemState.LoopDevicesBackedBelow(scratch.Store));

            SystemState.Signal(process.Id, "INT");

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(130, process.ExitCode);
        }

        Assert.True(SystemState.WaitFor(() => SystemState.LoopDevicesBackedBelow(scratch.Store).Count == 0, TimeSpan.FromSeconds(10)),
            string.Join('\n', SystemState.LoopDevicesBackedBelow(scratch.Store)));
        Assert.Empty(SystemState.MountsBelow(scratch.Root));
        Assert.Empty(scratch.Leftovers);
        // the stage's tree was committed before the assembler started; the output was not
        Assert.Single(scratch.Refs);
    }

    [Fact]
    public void AssemblerCrash_HoldingLoopDevice_DeviceDetachedAndBuildFails()
    {
        using var scratch = new TempStore();
        string manifest = scratch.File("crash.json", """{"stages": [{"name": "org.test.populate"}], "assembler": {"name": "org.test.loop-hang", "options": {"mode": "--crash"}}}""");
        Osbuild.Result run = Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--json", manifest]);
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(SystemState.LoopDevicesBackedBelow(scratch.Store));
        Assert.Empty(scratch.Leftovers);
    }

    [Fact]
    public void Sigint_AtManyPoints_StoreNeverCorrupt()
    {
        // Interrupt the same build after growing delays, so the signal lands in container start,
        // stage run, commit (treesum and rename) and between stages; every run must end cleanly
        // and every ref that exists must resolve to a complete object.
        using var scratch = new TempStore();
        string manifest = scratch.File("many.json", """
            {"stages": [{"name": "org.test.populate"}, {"name": "org.test.fill", "options": {"mib": 64}},
                        {"name": "org.osbuild.noop", "options": {"a": 1}}, {"name": "org.osbuild.noop", "options": {"a": 2}}]}
            """);
        foreach (int delayMs in new[] { 50, 150, 300, 500, 800, 1200 })
        {
            var (process, output) = Start(scratch.Store, manifest);
            using (process)
            {
                Thread.Sleep(delayMs);
                SystemState.Signal(process.Id, "INT");
                Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), Text(output));
                Assert.True(process.ExitCode is 130 or 0, $"after {delayMs} ms: exit {process.ExitCode}\n{Text(output)}");
            }

            Assert.Empty(SystemState.MountsBelow(scratch.Root));
            Assert.Empty(scratch.Leftovers);
            foreach (string reference in scratch.Refs)
            {
                Assert.True(Directory.Exists(Path.Combine(scratch.Store, "refs", reference)), $"dangling ref {reference} after {delayMs} ms");
            }
        }

        // and the store still builds the manifest to completion
        Osbuild.Result final = Osbuild.Run(["--store", scratch.Store, "--plugin-path", FixturePlugins, "--json", manifest]);
        Assert.True(final.ExitCode == 0, final.ToString());
    }
}
