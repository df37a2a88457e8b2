using System.ComponentModel;
using System.Diagnostics;

namespace Engine.Plugins.Shared;

/// <summary>
/// Runs the external programs that osbuild's plugins run: the build root's tools (found on PATH)
/// and the tree's own (through <c>chroot TREE</c>). One way for every plugin:
/// <list type="bullet">
/// <item>stdin is a pipe, closed at once unless <see cref="CommandSettings.Input"/> is given, so that
/// no tool reads the plugin's own stdin (it held the arguments JSON);</item>
/// <item>stdout goes to the plugin's stdout unless captured or redirected;</item>
/// <item>stderr is passed on to the plugin's stderr as it comes, byte for byte, and its last lines
/// are kept for the failure message;</item>
/// <item>a checked command (<see cref="Run"/>, <see cref="RunAsync"/>, <see cref="CaptureAsync"/>;
/// osbuild's <c>check=True</c>) that exits non-zero fails the plugin with one message that names the
/// command, its exit status and its last error output (<see cref="DescribeFailure"/>);</item>
/// <item>cancellation kills the command and what it started.</item>
/// </list>
/// A missing program is reported with the package that provides it, before anything runs
/// (<see cref="Require"/>).
/// </summary>
internal static class Command
{
    /// <summary>glibc's search path for execvp when PATH is unset, widened to the sbin folders
    /// because the container may be started without PATH and the tools live there.</summary>
    private const string FallbackPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Folders searched for programs, from PATH (or the fallback).</summary>
    public static IReadOnlyList<string> SearchPath()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        return (string.IsNullOrEmpty(path) ? FallbackPath : path)
            .Split(':', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Full path of <paramref name="name"/> in the build root, or null.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }

        foreach (string folder in SearchPath())
        {
            string candidate = Path.Join(folder, name);
            if (File.Exists(candidate) && Engine.Native.Exec.IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Full path of the build root's <paramref name="name"/>.</summary>
    /// <param name="name">Program name, e.g. <c>systemd-firstboot</c>.</param>
    /// <param name="package">What provides it, e.g. <c>systemd</c> or <c>passwd (Debian) / shadow-utils (Fedora)</c>.</param>
    /// <exception cref="PluginFailedException">The program is not on PATH.</exception>
    public static string Require(string name, string package)
    {
        if (Find(name) is { } found)
        {
            return found;
        }

        // Debian links some programs (lzma, lzip, awk…) through /etc/alternatives, which a
        // container with a private /etc does not have: say so instead of "not installed".
        foreach (string folder in SearchPath())
        {
            string candidate = Path.Join(folder, name);
            if (new FileInfo(candidate).LinkTarget is { } target && !File.Exists(candidate))
            {
                throw new PluginFailedException(
                    $"{candidate} is a dangling link to {target}: the build root's /etc (alternatives) is not available in this container; give the container the build root's /etc/alternatives or install the {package} package so that {name} is a real file");
            }
        }

        throw new PluginFailedException(
            $"{name} not found in the build root (searched {string.Join(':', SearchPath())}): install the {package} package in the build root");
    }

    /// <summary>
    /// Checks that <c>chroot TREE <paramref name="name"/></c> can find the program inside the tree
    /// (the same PATH, resolved below the tree).
    /// </summary>
    /// <exception cref="PluginFailedException">The tree does not have the program.</exception>
    public static void RequireInTree(string tree, string name, string package)
    {
        foreach (string folder in SearchPath())
        {
            string candidate = Path.Join(tree, folder, name);
            if (File.Exists(candidate) || new FileInfo(candidate).LinkTarget is not null)
            {
                return;
            }
        }

        throw new PluginFailedException(
            $"{name} not found in the tree (searched {string.Join(':', SearchPath())} below {tree}): install the {package} package in the tree first");
    }

    /// <summary>Runs a command and fails the plugin unless it exits 0.</summary>
    /// <param name="file">A path from <see cref="Require"/>, or a name resolved on PATH.</param>
    /// <param name="arguments">The arguments, passed as they are (no shell).</param>
    /// <exception cref="PluginFailedException">The command could not start or exited non-zero.</exception>
    public static async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, CommandSettings? settings = null)
        => Check(file, arguments, await TryRunAsync(file, arguments, cancellationToken, settings).ConfigureAwait(false));

    /// <summary>Runs a command, fails the plugin unless it exits 0, and returns what it wrote to stdout.</summary>
    /// <exception cref="PluginFailedException">The command could not start or exited non-zero.</exception>
    public static async Task<string> CaptureAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, CommandSettings? settings = null)
    {
        CommandSettings capturing = (settings ?? CommandSettings.Default) with { CaptureStdout = true };
        CommandResult result = await TryRunAsync(file, arguments, cancellationToken, capturing).ConfigureAwait(false);
        Check(file, arguments, result);
        return result.Stdout;
    }

    /// <summary><see cref="RunAsync"/> for the synchronous plugins.</summary>
    /// <exception cref="PluginFailedException">The command could not start or exited non-zero.</exception>
    public static void Run(string file, IReadOnlyList<string> arguments, CommandSettings? settings = null)
        => RunAsync(file, arguments, CancellationToken.None, settings).GetAwaiter().GetResult();

    /// <summary><see cref="TryRunAsync"/> for the synchronous plugins.</summary>
    /// <exception cref="PluginFailedException">The command could not start.</exception>
    public static CommandResult TryRun(string file, IReadOnlyList<string> arguments, CommandSettings? settings = null)
        => TryRunAsync(file, arguments, CancellationToken.None, settings).GetAwaiter().GetResult();

    /// <summary>Runs a command and returns how it ended, whatever its status.</summary>
    /// <exception cref="PluginFailedException">The command could not start.</exception>
    public static async Task<CommandResult> TryRunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, CommandSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        cancellationToken.ThrowIfCancellationRequested();
        settings ??= CommandSettings.Default;
        if (settings.Echo)
        {
            Console.Out.WriteLine(Format(file, arguments));
            Console.Out.Flush();
        }

        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = settings.CaptureStdout || settings.StdoutTarget is not null,
            RedirectStandardError = true,
            WorkingDirectory = settings.WorkingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings.Environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new PluginFailedException($"cannot run {file}: {e.Message}; is the tool installed in the build root?");
        }

        using var kill = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        });

        Task<string> stderr = StderrTail.PumpAsync(process.StandardError.BaseStream, show: !settings.QuietStderr);
        Task<string> stdout = settings.StdoutTarget is { } target
            ? CopyAsync(process.StandardOutput.BaseStream, target)
            : settings.CaptureStdout ? process.StandardOutput.ReadToEndAsync(CancellationToken.None) : Task.FromResult("");

        try
        {
            if (settings.Input is not null)
            {
                await process.StandardInput.WriteAsync(settings.Input.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The command exited without reading all of its input; its status tells the story.
        }
        finally
        {
            process.StandardInput.Close();
        }

        string output = await stdout.ConfigureAwait(false);
        string tail = await stderr.ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandResult(process.ExitCode, output, tail);
    }

    /// <summary>The command as a shell would need it typed (for logs and messages).</summary>
    public static string Format(string file, IReadOnlyList<string> arguments) => ShellWords.Join(file, arguments);

    /// <summary>The failure message of a command: which command, its exit status, and what it said last on stderr.</summary>
    public static string DescribeFailure(string file, IReadOnlyList<string> arguments, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string message = $"`{Format(file, arguments)}` failed with exit status {result.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return result.StderrTail.Length == 0 ? message : $"{message}; its last error output:\n{result.StderrTail}";
    }

    private static void Check(string file, IReadOnlyList<string> arguments, CommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new PluginFailedException(DescribeFailure(file, arguments, result));
        }
    }

    private static async Task<string> CopyAsync(Stream stdout, Stream target)
    {
        await stdout.CopyToAsync(target, CancellationToken.None).ConfigureAwait(false);
        return "";
    }
}
