using Engine.Native;

namespace Engine.Plugins.Common;

/// <summary>
/// The frame every runner shares (docs/protocol.md §4): check that argv[1] is an executable
/// plugin, prepare the container's throw-away <c>/etc</c>, <c>/var</c>, <c>/tmp</c> and <c>/run</c>,
/// then run the plugin: a built-in plugin of this same executable is called in process; any other
/// is started as a child and waited for, so that the host's status pipe can say whether it exited
/// or was killed (without the pipe, the runner execs it). The plugin keeps the runner's
/// environment, stdin (its arguments JSON, still unread), stdout/stderr and fd 3.
/// </summary>
internal static class RunnerProgram
{
    /// <summary>Exit status when argv has no plugin (usage error).</summary>
    public const int UsageStatus = 2;

    /// <summary>Shell convention: the plugin exists but cannot be executed.</summary>
    public const int NotExecutableStatus = 126;

    /// <summary>Shell convention: the plugin does not exist.</summary>
    public const int NotFoundStatus = 127;

    /// <summary>Runs <paramref name="prepare"/> and execs <c>args[0]</c> with argv = <paramref name="args"/>.</summary>
    /// <returns>Only on failure: the exit status.</returns>
    public static int Run(string name, string[] args, Action prepare)
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

        if (!PluginLibc.IsExecutable(plugin))
        {
            Console.Error.WriteLine($"{name}: the plugin {plugin} is not executable (check its mode and that its file system allows exec)");
            return NotExecutableStatus;
        }

        try
        {
            prepare();
        }
        catch (Exception e) when (e is RunnerFailedException or Engine.Protocol.Sdk.PluginFailedException or IOException
            or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"{name}: preparing the build root failed: {e.Message}");
            return 1;
        }

        RunnerStatusPipe? status = RunnerStatusPipe.FromEnvironment();

        // A built-in plugin is this very executable under another name: run it here. Starting it
        // would start the same NativeAOT binary again (~6 ms of CPU, ~12 ms of wall time per stage).
        if (BuiltinRegistry.EntryInThisExecutable(plugin) is Func<string[], int> builtin)
        {
            status?.Started();
            int code = builtin(args[1..]);
            status?.Ended(ProcessExit.Exited(code));
            return code;
        }

        return status is null ? Exec(name, plugin, args) : SpawnAndWait(name, plugin, args, status);
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
            Console.Error.WriteLine($"{name}: cannot execute {plugin}: {PluginLibc.Describe(e.Errno)}");
            int code = e.Errno == ENOENT ? NotFoundStatus : NotExecutableStatus;
            status.Ended(ProcessExit.Exited(code));
            return code;
        }

        ProcessExit exit = child.Exited.GetAwaiter().GetResult();
        status.Ended(exit);
        return exit.ShellStatus;
    }

    /// <summary>Replaces the runner by the plugin (no status pipe: nobody would read the outcome).</summary>
    private static int Exec(string name, string plugin, string[] args)
    {
        // Console writers flush on every write, so nothing is pending; exec keeps fds 0-3.
        int errno = PluginLibc.Exec(plugin, args);
        Console.Error.WriteLine($"{name}: cannot execute {plugin}: {PluginLibc.Describe(errno)}");
        return errno == ENOENT ? NotFoundStatus : NotExecutableStatus;
    }

    private const int ENOENT = 2;
}

/// <summary>A preparation step failed; the message says which and why.</summary>
internal sealed class RunnerFailedException(string message) : Exception(message);
