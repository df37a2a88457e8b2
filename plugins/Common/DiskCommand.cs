using System.Diagnostics;
using System.Text;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// Runs the build root's tools for the disk and OS-tree plugins (debootstrap, apt, grub2, qemu,
/// rawfs). A command is "checked": a non-zero status fails the plugin with the command line and
/// the tail of the tool's stderr, which is also echoed live so the build log shows it in place.
/// stdin is always a pipe (closed at once unless input is given) so that no tool ever reads the
/// plugin's own stdin, which carried the arguments JSON.
/// </summary>
internal static class DiskCommand
{
    private const int StderrTailLines = 20;

    /// <summary>Runs <paramref name="file"/> and fails the plugin unless it exits 0.</summary>
    /// <returns>What the tool wrote to stdout when <paramref name="captureStdout"/> is set, else "".</returns>
    public static async Task<string> RunAsync(
        string file,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken,
        string? input = null,
        bool captureStdout = false,
        IReadOnlyDictionary<string, string>? environment = null,
        Stream? stdoutTarget = null)
    {
        CommandResult result = await TryRunAsync(file, arguments, cancellationToken, input, captureStdout, environment, stdoutTarget).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PluginFailedException(DescribeFailure(file, arguments, result));
        }

        return result.Stdout;
    }

    /// <summary>Runs <paramref name="file"/> and returns its status, stdout (if captured) and stderr tail.</summary>
    public static async Task<CommandResult> TryRunAsync(
        string file,
        IReadOnlyList<string> arguments,
        CancellationToken cancellationToken,
        string? input = null,
        bool captureStdout = false,
        IReadOnlyDictionary<string, string>? environment = null,
        Stream? stdoutTarget = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = captureStdout || stdoutTarget is not null,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
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

        var tail = new Queue<string>();
        Task stderrPump = PumpStderrAsync(process.StandardError, tail);
        Task<string> stdoutPump = stdoutTarget is not null
            ? CopyStdoutAsync(process.StandardOutput.BaseStream, stdoutTarget)
            : captureStdout ? process.StandardOutput.ReadToEndAsync(CancellationToken.None) : Task.FromResult("");

        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The tool exited without reading all of its input; its status tells the story.
        }
        finally
        {
            process.StandardInput.Close();
        }

        string stdout = await stdoutPump.ConfigureAwait(false);
        await stderrPump.ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandResult(process.ExitCode, stdout, string.Join('\n', tail));
    }

    /// <summary>The one-line form of a command for messages, quoted where needed.</summary>
    public static string Format(string file, IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder(Quote(file));
        foreach (string argument in arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }

        return text.ToString();
    }

    /// <summary>The failure message: which command, which status, and what it said last.</summary>
    public static string DescribeFailure(string file, IReadOnlyList<string> arguments, CommandResult result)
    {
        string message = $"`{Format(file, arguments)}` exited with status {result.ExitCode}";
        return result.StderrTail.Length == 0 ? message : $"{message}; its last error output:\n{result.StderrTail}";
    }

    private static string Quote(string argument)
        => argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task PumpStderrAsync(StreamReader stderr, Queue<string> tail)
    {
        while (await stderr.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            Console.Error.WriteLine(line);
            tail.Enqueue(line);
            if (tail.Count > StderrTailLines)
            {
                tail.Dequeue();
            }
        }
    }

    private static async Task<string> CopyStdoutAsync(Stream stdout, Stream target)
    {
        await stdout.CopyToAsync(target, CancellationToken.None).ConfigureAwait(false);
        return "";
    }
}

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">The exit status (128 + n for a signal, as the shell reports it).</param>
/// <param name="Stdout">stdout, when it was captured.</param>
/// <param name="StderrTail">The last lines of stderr, joined by newlines.</param>
internal sealed record CommandResult(int ExitCode, string Stdout, string StderrTail);
