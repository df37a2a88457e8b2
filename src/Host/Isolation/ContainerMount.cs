namespace Engine.Host.Isolation;

/// <summary>A host directory or file made visible in the container.</summary>
/// <param name="HostPath">Where it is on the host.</param>
/// <param name="ContainerPath">Where the plugin sees it.</param>
/// <param name="ReadOnly">Whether the plugin may write to it.</param>
public sealed record ContainerMount(string HostPath, string ContainerPath, bool ReadOnly);
