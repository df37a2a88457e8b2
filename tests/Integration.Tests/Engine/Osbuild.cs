using System.Diagnostics;
using Engine.Host.Json;
using Engine.Tests.Shared;

namespace Engine.Integration.Tests.Engine;

/// <summary>Runs the installed host (<c>out/bin/osbuild</c>, made by ./build.sh) as a user would.</summary>
internal static class Osbuild
{
    public static string RepoRoot => RepositoryData.RepoRoot;

    public static string Binary => Environment.GetEnvironmentVariable("OSBUILD_BINARY") ?? Path.Combine(RepoRoot, "out", "bin", "osbuild");

    /// <summary>osbuild's data set inside the repository (tests/data/osbuild).</summary>
    public static string SharedData => RepositoryData.OsbuildData;

    public static string Fixtures => Path.Combine(RepoRoot, "tests", "Fixtures");

    /// <summary>
    /// An empty folder for a fixture a test compiles (a plugin built with dotnet), beside the test
    /// assembly: the same one on every run, emptied first, so runs leave nothing in /tmp.
    /// </summary>
    public static string FixtureBuildDirectory(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixture-builds", name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        return Directory.CreateDirectory(path).FullName;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JValue.Object Json => (JValue.Object)JsonTextParser.Parse(Stdout, "stdout");

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <param name="binary">Another osbuild binary than <see cref="Binary"/>, e.g. the full host behind the front end.</param>
    public static Result Run(IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null, IDictionary<string, string>? environment = null, string? binary = null)
    {
        binary ??= Binary;
        Assert.SkipUnless(File.Exists(binary), $"{binary} is missing: run ./build.sh first");
        var start = new ProcessStartInfo(binary)
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

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"osbuild {string.Join(' ', arguments)} did not finish");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static bool IsRoot => Environment.UserName == "root";
}
