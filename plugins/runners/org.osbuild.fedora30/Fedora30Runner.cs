using Engine.Plugins.Builtin;
using Engine.Plugins.Runners.Common;

namespace Engine.Plugins.Runners.Fedora30;

/// <summary>
/// org.osbuild.fedora30: osbuild's runner for this build root, the same steps as
/// fedora30: ldconfig, systemd-sysusers, CA bundles, systemd-tmpfiles, no nsswitch.conf; then
/// the plugin replaces the runner.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Fedora30Runner
{
    [ModuleInitializer]
    internal static void Register()
        => BuiltinRegistry.AddRunner("org.osbuild.fedora30", RunnerSteps.Osbuild2020Sequence);
}
