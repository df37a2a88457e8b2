using Engine.Native;

namespace Engine.Host.Cli;

/// <summary>Facts about the machine the command runs on.</summary>
internal static class HostEnvironment
{
    public static bool IsRoot => Users.IsRoot;

    /// <summary>
    /// The installation this binary belongs to: the parent of its <c>bin</c> (<c>out</c> for
    /// <c>out/bin/osbuild</c>, <c>/usr</c> for <c>/usr/bin/osbuild</c>) when it has <c>lib/osbuild</c>.
    /// Null when run from a build output directory.
    /// </summary>
    public static string? InstallPrefix()
    {
        string prefix = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
        return Directory.Exists(Path.Combine(prefix, "lib", "osbuild")) ? prefix : null;
    }

    /// <summary>
    /// The program that runs .NET assembly sources (src/AssemblySource): in the installation's
    /// libdir, <c>lib/osbuild/osbuild-assembly-source/osbuild-assembly-source</c>.
    /// </summary>
    public static string AssemblySourceRunner()
        => Path.Combine(DefaultLibDir(), "osbuild-assembly-source", "osbuild-assembly-source");

    /// <summary>The libdir of our installation (<c>out/lib/osbuild</c>), else osbuild's default.</summary>
    public static string DefaultLibDir()
        => InstallPrefix() is string prefix ? Path.Combine(prefix, "lib", "osbuild") : "/usr/lib/osbuild";

    /// <summary>The command a user runs: this binary, unless it was started as <c>dotnet osbuild.dll</c> (tests).</summary>
    public static string? UserCommand()
    {
        string? self = Environment.ProcessPath;
        return self is null || Path.GetFileNameWithoutExtension(self) == "dotnet" ? null : self;
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
