using Engine.Host.Isolation;
using Engine.Native;

namespace Engine.Host.Tests.Isolation;

/// <summary>How the host reads the container's status together with the runner's status lines.</summary>
public sealed class PluginExitTests
{
    [Theory]
    [InlineData(new[] { "exited 130" }, 130, "(exit status 130)")]
    [InlineData(new[] { "killed 2" }, 130, "(killed by signal 2)")]
    [InlineData(new[] { "started", "exited 255" }, 255, "(exit status 255)")]
    [InlineData(new[] { "started" }, 139, "(killed by signal 11)")]
    [InlineData(new[] { "started" }, 1, "(exit status 1)")]
    [InlineData(new string[0], 255, "(exit status 255)")]
    [InlineData(new string[0], 130, "(exit status 130; its runner does not say whether signal 2 ended it)")]
    [InlineData(new[] { "exited 0" }, 0, "")]
    [InlineData(new[] { "garbage", "" }, 3, "(exit status 3)")]
    public void Interpret_StatusLinesAndContainerCode_Describe(string[] lines, int containerCode, string expected)
    {
        PluginExit exit = PluginExit.Interpret(ProcessExit.Exited(containerCode), lines);
        Assert.Equal(expected, exit.Describe());
    }

    [Fact]
    public void Interpret_ContainerKilledByHost_IsThatSignal()
    {
        // The host SIGKILLs the container on cancel and timeout; whatever the runner said before counts less.
        PluginExit exit = PluginExit.Interpret(ProcessExit.Killed(9), ["started"]);
        Assert.Equal("(killed by signal 9)", exit.Describe());
        Assert.False(exit.Succeeded);
    }

    [Fact]
    public void Interpret_LastLineWins()
    {
        PluginExit exit = PluginExit.Interpret(ProcessExit.Exited(0), ["exited 4", "exited 0"]);
        Assert.True(exit.Succeeded);
    }
}
