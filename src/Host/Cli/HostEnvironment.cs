using System.Runtime.InteropServices;

namespace Engine.Host.Cli;

/// <summary>Facts about the machine the command runs on.</summary>
internal static partial class HostEnvironment
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>The libdir next to our binary (<c>out/bin/osbuild</c> → <c>out/lib/osbuild</c>), else osbuild's default.</summary>
    public static string DefaultLibDir()
    {
        string beside = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "lib", "osbuild"));
        return Directory.Exists(beside) ? beside : "/usr/lib/osbuild";
    }

    /// <summary>The first executable called <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (string directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
