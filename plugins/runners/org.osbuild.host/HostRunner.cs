using Engine.Plugins.Builtin;
using Engine.Plugins.Runners.Common;

namespace Engine.Plugins.Runners.Host;

/// <summary>
/// org.osbuild.host: the runner of pipelines without a build pipeline; the build root is the
/// host's own <c>/usr</c>. It is on the path of every stage, so it does only what costs a few
/// syscalls (see its meta description for what is left out and why) and then execs the plugin.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class HostRunner
{
    [ModuleInitializer]
    internal static void Register()
        => BuiltinRegistry.AddRunner("org.osbuild.host", Prepare);

    private static void Prepare()
    {
        RunnerSteps.StaticAccounts();
        RunnerSteps.MinimalFilesystem();
    }
}
