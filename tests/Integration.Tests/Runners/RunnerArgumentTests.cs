using Engine.Integration.Tests.Stages;

namespace Engine.Integration.Tests.Runners;

/// <summary>
/// Every runner checks argv[1] before it touches anything, so these run on the host itself:
/// a failing check must leave the machine's /etc alone.
/// </summary>
public sealed class RunnerArgumentTests
{
    public static TheoryData<string> Runners() =>
        ["org.osbuild.host", "org.osbuild.debian12", "org.osbuild.fedora27", "org.osbuild.fedora30", "org.osbuild.fedora31",
         "org.osbuild.fedora32", "org.osbuild.rhel82", "org.osbuild.ubuntu1804"];

    [Theory]
    [MemberData(nameof(Runners))]
    public async Task Runner_NoPlugin_UsageErrorStatus2(string runner)
    {
        PluginResult result = await BuiltinPlugin.RunAsync(runner, "");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{runner}: no plugin to run. Usage: {runner} PLUGIN", result.Stderr);
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public async Task Runner_PluginMissing_Status127NamingIt(string runner)
    {
        PluginResult result = await BuiltinPlugin.RunAsync(runner, "", arguments: ["/nonexistent/stages/org.example.x"]);

        Assert.Equal(127, result.ExitCode);
        Assert.Contains("the plugin /nonexistent/stages/org.example.x does not exist", result.Stderr);
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public async Task Runner_PluginNotExecutable_Status126NamingIt(string runner)
    {
        using var scratch = new ScratchTree("engine-runner-");
        string plugin = scratch.Write("plugin", "#!/bin/sh\n"); // mode 0644: even root may not execute it

        PluginResult result = await BuiltinPlugin.RunAsync(runner, "", arguments: [plugin]);

        Assert.Equal(126, result.ExitCode);
        Assert.Contains($"the plugin {plugin} is not executable", result.Stderr);
    }
}
