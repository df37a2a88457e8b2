using System.Diagnostics;
using System.Globalization;

namespace Engine.Integration.Tests.Loop;

/// <summary>
/// What the loop tests need from the machine: root, the loop module, sparse files in a scratch
/// directory, the kernel's view of loop devices through sysfs, and real tools (losetup, stat, mknod).
/// </summary>
internal static class LoopTestEnvironment
{
    public const string LoopControl = "/dev/loop-control";

    /// <summary>Skips (saying why) unless this process can set up loop devices.</summary>
    public static void SkipUnlessLoopDevicesWork()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "loop devices need root (CAP_SYS_ADMIN); run the tests as root");
        Assert.SkipUnless(File.Exists(LoopControl), $"{LoopControl} is missing: the loop module is not loaded (modprobe loop)");
    }

    /// <summary>Makes a sparse file of <paramref name="size"/> bytes.</summary>
    public static string CreateSparseFile(string directory, string name, long size)
    {
        string path = Path.Combine(directory, name);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(size);
        return path;
    }

    /// <summary>An attribute of /sys/block/loopN/loop/ (offset, sizelimit, autoclear, backing_file).</summary>
    public static string LoopAttribute(int number, string name) => ReadSysfs($"/sys/block/loop{Invariant(number)}/loop/{name}");

    /// <summary>An attribute of /sys/block/loopN/ (size in sectors, ro).</summary>
    public static string BlockAttribute(int number, string name) => ReadSysfs($"/sys/block/loop{Invariant(number)}/{name}");

    /// <summary>The loop devices (loopN) that the kernel has bound to <paramref name="file"/>, from sysfs.</summary>
    public static IReadOnlyList<string> DevicesBackedBy(string file)
    {
        var found = new List<string>();
        foreach (string block in Directory.EnumerateDirectories("/sys/block", "loop*"))
        {
            string backing = Path.Combine(block, "loop", "backing_file");
            try
            {
                if (File.ReadAllText(backing).TrimEnd('\n') == file)
                {
                    found.Add(Path.GetFileName(block));
                }
            }
            catch (IOException)
            {
                // No "loop" directory: the device is not bound (or went away while we looked).
            }
        }

        return found;
    }

    /// <summary>What losetup itself says about <paramref name="file"/> (<c>losetup -j</c>): one line per device.</summary>
    public static string LosetupAssociated(string file)
    {
        (int exit, string stdout, string stderr) = Run("losetup", "-j", file);
        Assert.True(exit == 0, $"losetup -j {file} failed ({exit}): {stderr}");
        return stdout.Trim();
    }

    /// <summary><c>stat -c '%F %t:%T %a'</c>: type, major:minor in hex, permissions in octal.</summary>
    public static string StatNode(string path)
    {
        (int exit, string stdout, string stderr) = Run("stat", "-c", "%F %t:%T %a", path);
        Assert.True(exit == 0, $"stat {path} failed ({exit}): {stderr}");
        return stdout.Trim();
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + fileName);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string ReadSysfs(string path) => File.ReadAllText(path).TrimEnd('\n');
}
