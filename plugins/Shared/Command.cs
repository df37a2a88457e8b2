using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Engine.Protocol.Sdk;

namespace Engine.Plugins.Common;

/// <summary>
/// Runs the external programs that osbuild's stages run: the build root's tools (found on PATH)
/// and the tree's own tools (through <c>chroot TREE</c>). Each command is printed before it runs,
/// so the stage log shows what was done; its output goes straight to the stage's stdout/stderr.
/// A missing program is reported with the package that provides it, before anything runs.
/// </summary>
internal static class Tool
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
            if (File.Exists(candidate) && PluginLibc.IsExecutable(candidate))
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

    /// <summary>Runs a program and fails the plugin if it exits non-zero (osbuild's <c>check=True</c>).</summary>
    /// <param name="file">A path from <see cref="Require"/>, or a name resolved on PATH.</param>
    /// <param name="arguments">The arguments, passed as they are (no shell).</param>
    /// <param name="discardStdout">Drop the program's stdout (osbuild's <c>stdout=DEVNULL</c>).</param>
    /// <exception cref="PluginFailedException">The program could not start or exited non-zero.</exception>
    public static void RunChecked(string file, IReadOnlyList<string> arguments, bool discardStdout = false)
    {
        int status = Run(file, arguments, discardStdout);
        if (status != 0)
        {
            throw new PluginFailedException($"`{Format(file, arguments)}` failed with exit status {status.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>Runs a program (printed first unless <paramref name="echo"/> is false) with stdin closed and returns its exit status.</summary>
    /// <exception cref="PluginFailedException">The program could not be started.</exception>
    public static int Run(string file, IReadOnlyList<string> arguments, bool discardStdout = false, bool echo = true)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (echo)
        {
            Console.Out.WriteLine(Format(file, arguments));
            Console.Out.Flush();
        }

        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            // Our stdin held the arguments JSON and is used up; a child must not wait on it.
            RedirectStandardInput = true,
            RedirectStandardOutput = discardStdout,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(startInfo)
                ?? throw new PluginFailedException($"could not start `{Format(file, arguments)}`");
            process.StandardInput.Close();
            Task drain = discardStdout ? process.StandardOutput.BaseStream.CopyToAsync(Stream.Null) : Task.CompletedTask;
            process.WaitForExit();
            drain.GetAwaiter().GetResult();
            return process.ExitCode;
        }
        catch (Win32Exception e)
        {
            throw new PluginFailedException($"could not start `{Format(file, arguments)}`: {e.Message}");
        }
    }

    /// <summary>The command as a shell would need it typed (for logs and messages).</summary>
    public static string Format(string file, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var builder = new StringBuilder(Quote(file));
        foreach (string argument in arguments)
        {
            builder.Append(' ').Append(Quote(argument));
        }

        return builder.ToString();
    }

    private static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal)))
        {
            return argument;
        }

        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
