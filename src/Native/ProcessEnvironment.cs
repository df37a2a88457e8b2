using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>
/// The process's native environment, which <c>execv</c> and posix_spawn pass on. .NET keeps a copy
/// of its own: <c>Environment.SetEnvironmentVariable</c> never reaches a program this process execs.
/// </summary>
public static partial class ProcessEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> for programs started or exec'd from now on.</summary>
    /// <exception cref="NativeException">The name is invalid (empty, or contains '=').</exception>
    public static void Set(string name, string value)
    {
        if (setenv(name, value, 1) != 0)
        {
            Errno.Throw("setenv", name, Errno.Last);
        }
    }
}
