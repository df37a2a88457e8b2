using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Engine.Integration.Tests.Scaffolding;

/// <summary>Runs a program to completion with a deadline and captures its output.</summary>
public static class ProcessRun
{
    /// <summary>The repository, from this file's compile-time path (right also when tests build into an --artifacts-path).</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Path.Combine(ThisFile(), "..", "..", "..", ".."));

    /// <summary>The installed host: <c>$OSBUILD_BINARY</c>, else <c>out/bin/osbuild</c> made by ./build.sh.</summary>
    public static string Osbuild => Environment.GetEnvironmentVariable("OSBUILD_BINARY") ?? Path.Combine(RepoRoot, "out", "bin", "osbuild");

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static Result Run(string program, IEnumerable<string> arguments, TimeSpan timeout, Action<IDictionary<string, string?>>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        environment?.Invoke(start.Environment);
        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in {timeout}; stdout so far:\n{stdout.Result}");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
