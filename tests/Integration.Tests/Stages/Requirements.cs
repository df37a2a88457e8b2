namespace Engine.Integration.Tests.Stages;

/// <summary>What the stage and runner tests need from the machine; each probe skips with the reason.</summary>
internal static class Requirements
{
    /// <summary>chroot, chown, groupadd --root and bubblewrap with mounts need root.</summary>
    public static void Root()
        => Assert.SkipUnless(Environment.IsPrivilegedProcess, "needs root (chroot, chown, useradd in a tree, bubblewrap mounts)");

    /// <summary>A program of the test machine, e.g. bwrap or debootstrap.</summary>
    public static string Program(string name, string package)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            string candidate = Path.Join(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (string folder in new[] { "/usr/sbin", "/sbin" })
        {
            string candidate = Path.Join(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Skip($"{name} is not installed (apt-get install {package})");
        return name;
    }
}
