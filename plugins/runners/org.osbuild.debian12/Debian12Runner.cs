using Engine.Plugins.Builtin;
using Engine.Plugins.Runners.Common;

namespace Engine.Plugins.Runners.Debian12;

/// <summary>
/// org.osbuild.debian12: a build root made from Debian 12 (bookworm). Steps: ldconfig;
/// systemd-sysusers (Debian's basic.conf holds base-passwd's accounts, so this is the whole
/// static set plus systemd's); the CA bundle the Debian way, computed here because
/// update-ca-certificates takes seconds; systemd-tmpfiles (quiet); no nsswitch.conf; /var/tmp,
/// /etc/mtab and /etc/os-release; then the plugin replaces the runner.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Debian12Runner
{
    [ModuleInitializer]
    internal static void Register()
        => BuiltinRegistry.AddRunner("org.osbuild.debian12", Prepare);

    private static void Prepare()
    {
        RunnerSteps.Ldconfig();
        RunnerSteps.Sysusers();
        RunnerSteps.CaCertificatesBundle();
        RunnerSteps.Tmpfiles(quiet: true);
        RunnerSteps.RemoveNsswitch();
        RunnerSteps.MinimalFilesystem();
    }
}
