using Engine.Plugins.Builtin;
using Engine.Plugins.Runners.Common;

namespace Engine.Plugins.Runners.Rhel82;

/// <summary>
/// org.osbuild.rhel82: the fedora30 steps, then an <c>/etc/os-release</c> file for
/// RHEL 8.2 and the <c>python3</c> alternatives link, so that <c>#!/usr/bin/python3</c> plugins start.
/// osbuild deleted the os-release link systemd-nspawn made and failed without it; bubblewrap
/// makes none, so here an existing entry is replaced and a missing one is fine; a read-only one
/// (the build root's own, bound by the host) is kept. An existing python3 alternative is kept.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Rhel82Runner
{
    private const string OsRelease = """
        NAME="Red Hat Enterprise Linux"
        VERSION="8.2 (Ootpa)"
        ID="rhel"
        ID_LIKE="fedora"
        VERSION_ID="8.2"
        PLATFORM_ID="platform:el8"
        PRETTY_NAME="Red Hat Enterprise Linux 8.2 Beta (Ootpa)"
        ANSI_COLOR="0;31"
        CPE_NAME="cpe:/o:redhat:enterprise_linux:8.2:beta"
        HOME_URL="https://www.redhat.com/"
        BUG_REPORT_URL="https://bugzilla.redhat.com/"

        """;

    [ModuleInitializer]
    internal static void Register()
        => BuiltinRegistry.AddRunner("org.osbuild.rhel82", Prepare);

    private static void Prepare()
    {
        RunnerSteps.Osbuild2020Sequence();
        try
        {
            if (FileEntries.Exists("/etc/os-release"))
            {
                File.Delete("/etc/os-release");
            }

            File.WriteAllText("/etc/os-release", OsRelease);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The host bound the build root's own os-release read-only: that one describes it.
        }

        if (!FileEntries.Exists("/etc/alternatives/python3"))
        {
            try
            {
                Directory.CreateDirectory("/etc/alternatives");
                File.CreateSymbolicLink("/etc/alternatives/python3", "/usr/bin/python3.6");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The host bound the build root's alternatives read-only and they have no python3.
                Console.Error.WriteLine($"org.osbuild.rhel82: /etc/alternatives/python3 not added ({e.Message}); #!/usr/bin/python3 plugins need the build root's python3");
            }
        }
    }
}
