namespace Engine.Host.Isolation;

/// <summary>Paths inside the container; they are the contract with plugins (docs/protocol.md).</summary>
public static class ContainerPaths
{
    public const string Lib = "/run/osbuild/lib";
    public const string RunnerLib = "/run/osbuild/runner-lib";
    public const string Tree = "/run/osbuild/tree";
    public const string Sources = "/run/osbuild/sources";
    public const string Output = "/run/osbuild/output";
    public const string BuildRootEtc = "/run/osbuild/buildroot-etc";
    public const string HostApt = "/run/osbuild/host-apt";
}
