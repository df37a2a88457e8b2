namespace Engine.Native;

/// <summary>
/// How a process ended, as waitpid(2) tells it: an exit status, or the signal that killed it.
/// Shells fold both into one number (128+N for signal N), which cannot tell a plugin that called
/// <c>exit(130)</c> from one killed by SIGINT; this keeps them apart.
/// </summary>
/// <param name="Code">The exit status (0-255), or 0 when killed by a signal.</param>
/// <param name="Signal">The signal that killed the process, or 0 when it exited.</param>
public readonly record struct ProcessExit(int Code, int Signal)
{
    public static ProcessExit Exited(int code) => new(code, 0);

    public static ProcessExit Killed(int signal) => new(0, signal);

    /// <summary>Decodes a waitpid status word (Linux layout: signal in the low 7 bits, status in the next byte).</summary>
    public static ProcessExit FromWaitStatus(int status)
    {
        int signal = status & 0x7f;
        return signal == 0 ? Exited((status >> 8) & 0xff) : Killed(signal);
    }

    public bool KilledBySignal => Signal != 0;

    public bool Succeeded => Signal == 0 && Code == 0;

    /// <summary>The shell's one number: the exit status, or 128+N when killed by signal N.</summary>
    public int ShellStatus => Signal != 0 ? 128 + Signal : Code;
}
