namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.fix-bls: osbuild's greedy <c>(/.*)+/boot</c> substitution, pinned.</summary>
public sealed class FixBlsStageTests
{
    [Theory]
    [InlineData("linux /run/osbuild/tree/boot/vmlinuz\n", "{}", "linux /boot/vmlinuz\n")]
    [InlineData("linux /boot/vmlinuz\n", "{}", "linux /boot/vmlinuz\n")]
    [InlineData("initrd /boot/initramfs /x/boot/y\n", "{}", "initrd /boot/y\n")]
    [InlineData("options root=UUID=1 ro\n", "{}", "options root=UUID=1 ro\n")]
    [InlineData("linux /run/osbuild/tree/boot/vmlinuz\n", """{"prefix": ""}""", "linux /vmlinuz\n")]
    [InlineData("linux /a/boot/vmlinuz\n", """{"prefix": "[\\1]"}""", "linux [/a]/vmlinuz\n")]
    [InlineData("linux /a/boot/vmlinuz\n", """{"prefix": "<\\g<0>>"}""", "linux </a/boot>/vmlinuz\n")]
    [InlineData("linux /a/boot/v\n", """{"prefix": "x\\n\\/y"}""", "linux x\n\\/y/v\n")]
    [InlineData("a /b/boot\r\nc /d/e/boot/f", "{}", "a /boot\nc /boot/f")]
    public async Task FixBls_Line_RewrittenAsPythonWould(string entry, string options, string expected)
    {
        using var tree = new ScratchTree();
        tree.Write("boot/loader/entries/a.conf", entry);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fix-bls", tree.Path, options);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, tree.Read("boot/loader/entries/a.conf"));
    }

    [Fact]
    public async Task FixBls_ManySlashesWithoutBoot_FinishesAndKeepsLine()
    {
        // (/.*)+ backtracks exponentially on such a line in a regex engine.
        using var tree = new ScratchTree();
        string line = "options " + string.Concat(Enumerable.Repeat("/x", 5000)) + "\n";
        tree.Write("boot/loader/entries/a.conf", line);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fix-bls", tree.Path, "{}");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(line, tree.Read("boot/loader/entries/a.conf"));
    }

    [Fact]
    public async Task FixBls_HiddenAndOtherFiles_Untouched()
    {
        using var tree = new ScratchTree();
        tree.Write("boot/loader/entries/.hidden.conf", "linux /x/boot/v\n");
        tree.Write("boot/loader/entries/b.txt", "linux /x/boot/v\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fix-bls", tree.Path, "{}");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("linux /x/boot/v\n", tree.Read("boot/loader/entries/.hidden.conf"));
        Assert.Equal("linux /x/boot/v\n", tree.Read("boot/loader/entries/b.txt"));
    }

    [Fact]
    public async Task FixBls_NoEntriesFolder_Succeeds()
    {
        using var tree = new ScratchTree();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fix-bls", tree.Path, "{}");

        Assert.Equal(0, result.ExitCode);
    }

    [Theory]
    [InlineData("\\2", "invalid group reference 2")]
    [InlineData("\\q", "bad escape \\q")]
    [InlineData("x\\", "bad escape (end of pattern)")]
    public async Task FixBls_BadTemplate_FailsLikePythonRe(string prefix, string reason)
    {
        using var tree = new ScratchTree();
        tree.Write("boot/loader/entries/a.conf", "linux /x/boot/v\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.fix-bls", tree.Path, $$"""{"prefix": {{BuiltinPlugin.Quote(prefix)}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
    }
}
