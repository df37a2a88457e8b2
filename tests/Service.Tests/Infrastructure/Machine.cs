using System.Diagnostics;
using Engine.Tests.Shared;

namespace Engine.Service.Tests.Infrastructure;

/// <summary>What the integration tests need from the machine, and the programs they run.</summary>
internal static class Machine
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The installed engine, made by ./build.sh.</summary>
    public static string Osbuild => Environment.GetEnvironmentVariable("OSBUILD_BINARY") ?? Path.Combine(RepositoryData.RepoRoot, "out", "bin", "osbuild");

    /// <summary>The service's program, copied beside the tests by the project reference.</summary>
    public static string Service => Path.Combine(AppContext.BaseDirectory, "osbuild-service");

    /// <summary>This project's test plugins (org.test.sleep).</summary>
    public static string Plugins => Path.Combine(RepositoryData.RepoRoot, "tests", "Service.Tests", "plugins");

    /// <summary>Why the service cannot be tested end to end here, or null when it can.</summary>
    public static string? MissingForBuilds()
        => !IsRoot ? "building images needs root (run ./test.sh as root)"
            : !File.Exists(Osbuild) ? $"{Osbuild} is missing: run ./build.sh first"
            : !File.Exists(Service) ? $"{Service} is missing: the project reference to src/Service did not build it"
            : null;

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a short command; throws with its output when it fails.</summary>
    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish");
        }

        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stdout.Result}{stderr.Result}");
    }

    /// <summary>
    /// Processes whose command line mentions <paramref name="text"/> (a store path: osbuild, bwrap,
    /// the stage), the service's own processes aside (a worker names its store on its command line).
    /// </summary>
    public static IReadOnlyList<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal) && !cmdline.Contains("osbuild-service", StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {cmdline}");
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Fails naming every process still mentioning <paramref name="text"/>.</summary>
    public static void AssertNoProcessMentioning(string text)
    {
        IReadOnlyList<string> left = ProcessesMentioning(text);
        Assert.True(left.Count == 0, $"processes left behind:\n{string.Join("\n", left)}");
    }

    /// <summary>Mount points at or below <paramref name="path"/>, from this process's mount table.</summary>
    public static IReadOnlyList<string> MountsBelow(string path)
        => [.. File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => line.Split(' ')[4].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(mount => mount == path || mount.StartsWith(path + "/", StringComparison.Ordinal))];
}
