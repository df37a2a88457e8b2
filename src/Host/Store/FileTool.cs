using System.Diagnostics;

namespace Engine.Host.Store;

/// <summary>
/// Runs one of the coreutils the store leans on (<c>cp -a --reflink=auto</c>, <c>rm --one-file-system</c>)
/// to the end. Their error output is the message: it names the file and the reason better than an
/// exit status could.
/// </summary>
internal static class FileTool
{
    /// <summary>Runs <paramref name="program"/>; null when it succeeded, else what it wrote on stderr.</summary>
    /// <exception cref="IOException">The program cannot be started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the program was killed.</exception>
    public static string? Run(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new IOException($"cannot start {program} {string.Join(' ', arguments)}");
        using CancellationTokenRegistration registration = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
        });
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        return process.ExitCode == 0 ? null : errors.Trim();
    }
}
