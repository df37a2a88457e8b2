using Engine.Native;
using Engine.Protocol;

namespace Engine.Host.Isolation;

/// <summary>
/// How a plugin ended, as far as the host can tell: from its runner's status lines
/// (<see cref="RunnerStatus"/>) where the runner writes them, else from the container's exit status.
/// </summary>
/// <param name="Exit">The exit status or the killing signal.</param>
/// <param name="SignalUncertain">The container exited with 129-192 and no runner said whether a
/// signal or an exit call made that number.</param>
public readonly record struct PluginExit(ProcessExit Exit, bool SignalUncertain = false)
{
    private const int HighestSignal = 64;

    public bool Succeeded => Exit.Succeeded;

    /// <summary>The shell's one number, for osbuild's behaviour and old callers.</summary>
    public int ShellStatus => Exit.ShellStatus;

    /// <param name="container">How bubblewrap ended: killed only when the host killed it (cancel, timeout).</param>
    /// <param name="statusLines">What the runner wrote on its status pipe, in order.</param>
    public static PluginExit Interpret(ProcessExit container, IEnumerable<string> statusLines)
    {
        if (container.KilledBySignal)
        {
            return new PluginExit(container);
        }

        bool started = false;
        foreach (string line in statusLines.Reverse())
        {
            switch (RunnerStatus.Parse(line))
            {
                case ("exited", int code):
                    return new PluginExit(ProcessExit.Exited(code));
                case ("killed", int signal):
                    return new PluginExit(ProcessExit.Killed(signal));
                case (RunnerStatus.Started, _):
                    started = true;
                    break;
            }
        }

        int status = container.Code;
        bool looksLikeSignal = status > 128 && status - 128 <= HighestSignal;
        if (started && looksLikeSignal)
        {
            // The runner ran the plugin in its own process and promised an "exited" line: only a signal stops that.
            return new PluginExit(ProcessExit.Killed(status - 128));
        }

        return new PluginExit(ProcessExit.Exited(status), SignalUncertain: !started && looksLikeSignal);
    }

    /// <summary>For a summary line: empty on success, else "(exit status 255)" or "(killed by signal 9)".</summary>
    public string Describe()
        => Exit switch
        {
            { Signal: > 0 } => $"(killed by signal {Exit.Signal})",
            { Code: 0 } => "",
            _ when SignalUncertain => $"(exit status {Exit.Code}; its runner does not say whether signal {Exit.Code - 128} ended it)",
            _ => $"(exit status {Exit.Code})",
        };
}
