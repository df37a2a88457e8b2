namespace Engine.Protocol;

/// <summary>Paths inside the container; they are the contract with plugins (docs/protocol.md §2.4).</summary>
public static class ContainerPaths
{
    /// <summary>The plugin root the plugin comes from, read-only.</summary>
    public const string Lib = "/run/osbuild/lib";

    /// <summary>The runner's plugin root, when it differs from the plugin's.</summary>
    public const string RunnerLib = "/run/osbuild/runner-lib";

    /// <summary>The tree: read-write for stages, read-only for assemblers.</summary>
    public const string Tree = "/run/osbuild/tree";

    /// <summary>Where sources put what a stage asked for, read-only.</summary>
    public const string Sources = "/run/osbuild/sources";

    /// <summary>The assembler's output directory.</summary>
    public const string Output = "/run/osbuild/output";

    /// <summary>The build root's whole /etc, read-only.</summary>
    public const string BuildRootEtc = "/run/osbuild/buildroot-etc";

    /// <summary>The host's /etc/apt, read-only (to find its configured Debian mirror).</summary>
    public const string HostApt = "/run/osbuild/host-apt";
}
