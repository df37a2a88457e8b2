using System.Runtime.InteropServices;
using Engine.Native;

namespace Engine.Protocol.Sdk;

/// <summary>
/// The frame of a runner (docs/protocol.md §4), so that a runner's own code is only its preparation.
/// The host starts a runner in the container as <c>RUNNER PLUGIN [ARGUMENT…]</c>; the frame checks
/// that PLUGIN is an executable file, runs the preparation (the container's throw-away <c>/etc</c>,
/// <c>/var</c>, <c>/tmp</c> and <c>/run</c>), then runs the plugin with the runner's environment,
/// stdin (the plugin's arguments, still unread), stdout, stderr and fd 3. With the host's status pipe
/// (<see cref="RunnerStatusPipe"/>) the plugin is started as a child and waited for, so that the host
/// learns whether it exited or was killed; without it the runner execs the plugin.
/// <code>return RunnerProgram.Run("org.example.runner", args, () => Directory.CreateDirectory("/var/tmp"));</code>
/// </summary>
public static class RunnerProgram
{
    /// <summary>Exit status when argv names no plugin (usage error).</summary>
    public const int UsageStatus = 2;

    /// <summary>Exit status when the plugin exists but cannot be executed (the shell's convention).</summary>
    public const int NotExecutableStatus = 126;

    /// <summary>Exit status when the plugin does not exist (the shell's convention).</summary>
    public const int NotFoundStatus = 127;

    private const int ENOENT = 2;

    /// <summary>Checks the plugin <c>args[0]</c>, runs <paramref name="prepare"/>, then runs the plugin with argv = <paramref name="args"/>.</summary>
    /// <param name="name">The runner's name, for messages.</param>
    /// <param name="args">The runner's arguments: the plugin's path, then the plugin's own arguments.</param>
    /// <param name="prepare">Prepares the build root. It fails with <see cref="PluginFailedException"/>
    /// (or an I/O error); its message is printed and the runner exits with status 1.</param>
    /// <returns>The plugin's status (128+N when signal N killed it), or the runner's own failure status.</returns>
    public static int Run(string name, string[] args, Action prepare) => Run(name, args, prepare, inProcess: null);

    /// <summary>
    /// <see cref="Run(string, string[], Action)"/>, where <paramref name="inProcess"/> may offer to run
    /// the plugin inside the runner's process: given the plugin's path, it returns the plugin's entry
    /// point (called with the plugin's arguments, returning its exit status), or null for a plugin that
    /// is to be started. A multi-call executable that holds both the runner and the plugin saves the
    /// start of a second process this way.
    /// </summary>
    public static int Run(string name, string[] args, Action prepare, Func<string, Func<string[], int>?>? inProcess)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(prepare);
        if (args.Length == 0 || args[0].Length == 0)
        {
            Console.Error.WriteLine($"{name}: no plugin to run. Usage: {name} PLUGIN [ARGUMENT...]; the osbuild host starts a runner as `{name} /run/osbuild/lib/stages/NAME`");
            return UsageStatus;
        }

        string plugin = args[0];
        if (!File.Exists(plugin))
        {
            Console.Error.WriteLine($"{name}: the plugin {plugin} does not exist{(Directory.Exists(plugin) ? " (it is a directory)" : "")}");
            return NotFoundStatus;
        }

        if (!Exec.IsExecutable(plugin))
        {
            Console.Error.WriteLine($"{name}: the plugin {plugin} is not executable (check its mode and that its file system allows exec)");
            return NotExecutableStatus;
        }

        try
        {
            prepare();
        }
        catch (Exception e) when (e is PluginFailedException or IOException or UnauthorizedAccessException
            or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"{name}: preparing the build root failed: {e.Message}");
            return 1;
        }

        RunnerStatusPipe? status = RunnerStatusPipe.FromEnvironment();
        if (inProcess?.Invoke(plugin) is Func<string[], int> entry)
        {
            status?.Started();
            int code = entry(args[1..]);
            status?.Ended(ProcessExit.Exited(code));
            return code;
        }

        return status is null ? ExecPlugin(name, plugin, args) : SpawnAndWait(name, plugin, args, status);
    }

    /// <summary>
    /// Starts the plugin as a child and waits, so that the host learns whether it exited or was
    /// killed by a signal; the runner then ends with the shell's number for it.
    /// </summary>
    private static int SpawnAndWait(string name, string plugin, string[] args, RunnerStatusPipe status)
    {
        SpawnedProcess child;
        try
        {
            // No descriptor map: stdin, stdout, stderr and fd 3 are inherited as they are; the
            // status pipe is close-on-exec.
            child = SpawnedProcess.Start(plugin, args, RunnerStatusPipe.PluginEnvironment(), []);
        }
        catch (NativeException e)
        {
            Console.Error.WriteLine($"{name}: cannot execute {plugin}: {Marshal.GetPInvokeErrorMessage(e.Errno)}");
            int code = e.Errno == ENOENT ? NotFoundStatus : NotExecutableStatus;
            status.Ended(ProcessExit.Exited(code));
            return code;
        }

        ProcessExit exit = child.Exited.GetAwaiter().GetResult();
        status.Ended(exit);
        return exit.ShellStatus;
    }

    /// <summary>Replaces the runner by the plugin (no status pipe: nobody would read the outcome).</summary>
    private static int ExecPlugin(string name, string plugin, string[] args)
    {
        // Console writers flush on every write, so nothing is pending; exec keeps fds 0-3.
        int errno = Exec.Replace(plugin, args);
        Console.Error.WriteLine($"{name}: cannot execute {plugin}: {Marshal.GetPInvokeErrorMessage(errno)}");
        return errno == ENOENT ? NotFoundStatus : NotExecutableStatus;
    }
}
