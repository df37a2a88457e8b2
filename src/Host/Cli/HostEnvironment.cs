using Engine.Native;

namespace Engine.Host.Cli;

/// <summary>Facts about the machine the command runs on.</summary>
internal static class HostEnvironment
{
    public static bool IsRoot => Users.IsRoot;

    /// <summary>
    /// The installation this binary belongs to (<c>out</c> for <c>out/bin/osbuild</c>, the native
    /// front end, and for <c>out/libexec/osbuild/osbuild</c>, the managed host it hands over to):
    /// the first of the binary's parent and grandparent directories that has <c>lib/osbuild</c>.
    /// Null when run from a build output directory.
    /// </summary>
    public static string? InstallPrefix()
    {
        foreach (string up in new[] { "..", Path.Combine("..", "..") })
        {
            string prefix = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, up));
            if (Directory.Exists(Path.Combine(prefix, "lib", "osbuild")))
            {
                return prefix;
            }
        }

        return null;
    }

    /// <summary>The libdir of our installation (<c>out/lib/osbuild</c>), else osbuild's default.</summary>
    public static string DefaultLibDir()
        => InstallPrefix() is string prefix ? Path.Combine(prefix, "lib", "osbuild") : "/usr/lib/osbuild";

    /// <summary>The command a user runs: the front end <c>PREFIX/bin/osbuild</c> also when the managed host runs.</summary>
    public static string? UserCommand()
    {
        string? self = Environment.ProcessPath;
        if (self is null || Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return null;
        }

        string? frontEnd = InstallPrefix() is string prefix ? Path.Combine(prefix, "bin", "osbuild") : null;
        return frontEnd is not null && File.Exists(frontEnd) ? frontEnd : self;
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
