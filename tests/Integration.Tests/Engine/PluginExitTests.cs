namespace Engine.Integration.Tests.Engine;

/// <summary>
/// A plugin's exit status and a killing signal are told apart: bubblewrap folds both into one
/// number (128+N), so the runner reports which it was (docs/protocol.md §4).
/// </summary>
public sealed class PluginExitTests
{
    private static Osbuild.Result Build(TempStore scratch, string manifestJson)
    {
        string manifest = scratch.File("manifest.json", manifestJson);
        return Osbuild.Run(["--store", scratch.Store, "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), manifest]);
    }

    [Theory]
    [InlineData(-1, 255)]
    [InlineData(130, 130)]
    [InlineData(137, 137)]
    [InlineData(3, 3)]
    public void PlainExit_ReportedAsExitStatus_NeverAsSignal(int requested, int status)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, $$$"""{"stages": [{"name": "org.test.exit-with", "options": {"status": {{{requested}}}}}]}""");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches($@"\[FAILED\] org\.test\.exit-with in [0-9.]+ s \(exit status {status}\)\n", run.Stderr);
        Assert.DoesNotContain("signal", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void KilledBySignal_ReportedAsSignal()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.test.crash"}]}""");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"\[FAILED\] org\.test\.crash in [0-9.]+ s \(killed by signal 11\)\n", run.Stderr);
    }

    [Fact]
    public void BuiltinStageFailing_ReportedAsExitStatus()
    {
        // org.osbuild.error runs inside the runner's own process; its exit still is an exit.
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        Osbuild.Result run = Build(scratch, """{"stages": [{"name": "org.osbuild.error", "options": {"returncode": 255}}]}""");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"\[FAILED\] org\.osbuild\.error in [0-9.]+ s \(exit status 255\)\n", run.Stderr);
    }
}
