using System.Diagnostics;

namespace Engine.Integration.Tests.Reliability;

/// <summary>What a build may leave behind on the machine: mounts, loop devices, processes.</summary>
internal static class SystemState
{
    /// <summary>Mount points at or below <paramref name="path"/> in this process's mount namespace (the machine's).</summary>
    public static IReadOnlyList<string> MountsBelow(string path) => MountsBelow(path, "self");

    /// <summary>Mount points at or below <paramref name="path"/> as process <paramref name="pid"/> sees them (its own mount namespace).</summary>
    public static IReadOnlyList<string> MountsBelow(string path, string pid)
        => File.ReadLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(path, StringComparison.Ordinal)).ToList();

    /// <summary>Loop devices whose backing file lies below <paramref name="path"/> (losetup -a).</summary>
    public static IReadOnlyList<string> LoopDevicesBackedBelow(string path)
    {
        using Process losetup = Process.Start(new ProcessStartInfo("losetup", ["-a", "--noheadings", "-O", "NAME,BACK-FILE", "--list"]) { RedirectStandardOutput = true })!;
        string output = losetup.StandardOutput.ReadToEnd();
        losetup.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(path, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Processes whose command line starts with <paramref name="prefix"/> (NUL-separated argv).</summary>
    public static IReadOnlyList<int> Processes(string prefix)
    {
        var result = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }

        return result;
    }

    public static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return condition();
    }
}
