using System.Globalization;
using System.Text;
using Engine.Native;
using Engine.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Engine.Plugins.Common;

/// <summary>
/// The runner's end of the host's status pipe (<see cref="RunnerStatus"/>): lines saying how the
/// plugin ended, so that the host can tell an exit status of 130 from a SIGINT. Absent when the
/// runner was started by something other than the host (then nothing is written).
/// </summary>
internal sealed class RunnerStatusPipe
{
    private readonly FileStream _pipe;

    private RunnerStatusPipe(SafeFileHandle pipe) => _pipe = new FileStream(pipe, FileAccess.Write, bufferSize: 0);

    /// <summary>
    /// The pipe the host named in <see cref="RunnerStatus.EnvironmentVariable"/>, made close-on-exec
    /// so that the plugin and what it starts never hold it; null when there is none.
    /// </summary>
    public static RunnerStatusPipe? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(RunnerStatus.EnvironmentVariable);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || !Descriptors.TrySetCloseOnExec(fd))
        {
            return null;
        }

        return new RunnerStatusPipe(new SafeFileHandle(fd, ownsHandle: false));
    }

    /// <summary>The environment for the plugin: ours without the pipe's variable.</summary>
    public static IReadOnlyList<string> PluginEnvironment()
        => [.. Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name != RunnerStatus.EnvironmentVariable)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")];

    public void Started() => Write(RunnerStatus.Started);

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
