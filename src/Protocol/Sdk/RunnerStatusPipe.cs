using System.Globalization;
using System.Text;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Protocol.Sdk;

/// <summary>
/// A runner's end of the host's status pipe (<see cref="RunnerStatus"/>, docs/protocol.md §4): lines
/// that say how the plugin ended, so that the host can tell a plugin that exited with 130 from one
/// killed by SIGINT. <see cref="RunnerProgram"/> uses it; a runner with a frame of its own can too.
/// </summary>
public sealed class RunnerStatusPipe
{
    private readonly FileStream _pipe;

    private RunnerStatusPipe(SafeFileHandle pipe) => _pipe = new FileStream(pipe, FileAccess.Write, bufferSize: 0);

    /// <summary>
    /// The pipe the host named in <see cref="RunnerStatus.EnvironmentVariable"/>, made close-on-exec
    /// so that the plugin and what it starts never hold it.
    /// </summary>
    /// <returns>Null when the runner was not started by a host that offers the pipe: then nothing is to be written.</returns>
    public static RunnerStatusPipe? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(RunnerStatus.EnvironmentVariable);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || !Descriptors.TrySetCloseOnExec(fd))
        {
            return null;
        }

        return new RunnerStatusPipe(new SafeFileHandle(fd, ownsHandle: false));
    }

    /// <summary>The environment for the plugin, as <c>NAME=value</c> entries: the runner's own without the pipe's variable.</summary>
    public static IReadOnlyList<string> PluginEnvironment()
        => [.. Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name != RunnerStatus.EnvironmentVariable)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")];

    /// <summary>Says that the plugin runs inside the runner's own process (<see cref="RunnerStatus.Started"/>).</summary>
    public void Started() => Write(RunnerStatus.Started);

    /// <summary>Says how the plugin ended: its exit status or the signal that killed it.</summary>
    public void Ended(ProcessExit exit) => Write(exit.KilledBySignal ? RunnerStatus.Killed(exit.Signal) : RunnerStatus.Exited(exit.Code));

    private void Write(string line)
    {
        try
        {
            _pipe.Write(Encoding.ASCII.GetBytes(line + "\n"));
        }
        catch (IOException)
        {
            // The host went away (EPIPE): nobody is left to tell.
        }
    }
}
