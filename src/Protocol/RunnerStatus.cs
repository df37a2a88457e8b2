using System.Globalization;

namespace Engine.Protocol;

/// <summary>
/// How a runner tells the host the way its plugin ended (docs/protocol.md §4). The container's exit
/// status alone cannot: bubblewrap turns "killed by signal N" into exit status 128+N, the same
/// number a plugin gets by calling <c>exit(128+N)</c> (osbuild's error stage exits 255, which read
/// as "signal 127"). So the host hands the runner a pipe as <see cref="Fd"/>, named in
/// <see cref="EnvironmentVariable"/>, and the runner writes one line per event:
/// <list type="bullet">
/// <item><c>started</c>: the plugin runs inside the runner's own process, which will write
/// <c>exited N</c> unless a signal kills it first;</item>
/// <item><c>exited N</c>: the plugin exited with status N;</item>
/// <item><c>killed N</c>: signal N killed the plugin.</item>
/// </list>
/// A runner that writes nothing (one that execs the plugin) leaves the host with the container's
/// exit status, which it reports as such. The plugin itself never sees the pipe.
/// </summary>
public static class RunnerStatus
{
    /// <summary>The descriptor number of the status pipe inside the container.</summary>
    public const int Fd = 4;

    /// <summary>Environment variable that carries <see cref="Fd"/>; absent when the host offers no pipe.</summary>
    public const string EnvironmentVariable = "OSBUILD_RUNNER_STATUS_FD";

    /// <summary>The plugin runs in the runner's process.</summary>
    public const string Started = "started";

    /// <summary>The line for a plugin that exited with <paramref name="code"/>.</summary>
    public static string Exited(int code) => "exited " + code.ToString(CultureInfo.InvariantCulture);

    /// <summary>The line for a plugin killed by <paramref name="signal"/>.</summary>
    public static string Killed(int signal) => "killed " + signal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads one line: (event, number); null for anything else (ignored by the host).</summary>
    public static (string Event, int Value)? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string[] words = line.Trim().Split(' ');
        return words switch
        {
            [Started] => (Started, 0),
            ["exited" or "killed", string number] when int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int value) => (words[0], value),
            _ => null,
        };
    }
}
