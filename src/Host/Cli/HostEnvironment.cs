using Engine.Native;

namespace Engine.Host.Cli;

/// <summary>Facts about the machine the command runs on.</summary>
internal static class HostEnvironment
{
    /// <summary>Where a program is also looked for: the folders a container's PATH covers, which the host's PATH may lack.</summary>
    private static readonly string[] SystemFolders = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

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

    /// <summary>
    /// The first file called <paramref name="name"/> in the folders of PATH (Debian's default PATH when it
    /// is unset), then in <paramref name="alsoIn"/>; null when there is none.
    /// </summary>
    public static string? FindOnPath(string name, IEnumerable<string>? alsoIn = null)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(alsoIn ?? [])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Whether <paramref name="command"/> (a name, or a path) is a file on PATH or in the system folders.</summary>
    public static bool IsInstalled(string command)
        => command.Contains('/', StringComparison.Ordinal) ? File.Exists(command) : FindOnPath(command, SystemFolders) is not null;
}
