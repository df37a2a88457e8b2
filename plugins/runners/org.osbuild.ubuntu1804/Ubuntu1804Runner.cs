using Engine.Plugins.Builtin;
using Engine.Plugins.Runners.Common;

namespace Engine.Plugins.Runners.Ubuntu1804;

/// <summary>
/// org.osbuild.ubuntu1804: osbuild's runner for this build root, the same steps as
/// fedora30: ldconfig, systemd-sysusers, CA bundles, systemd-tmpfiles, no nsswitch.conf; then
/// the plugin replaces the runner.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class Ubuntu1804Runner
{
    [ModuleInitializer]
    internal static void Register()
        => BuiltinRegistry.AddRunner("org.osbuild.ubuntu1804", RunnerSteps.Osbuild2020Sequence);
}
