using Engine.Host.Plugins;

namespace Engine.Host.Isolation;

/// <summary>What one plugin run in a container needs.</summary>
/// <param name="BuildRoot">The file system the plugin runs on.</param>
/// <param name="Runner">The runner plugin (first program in the container).</param>
/// <param name="Plugin">The stage or assembler.</param>
/// <param name="ArgumentsJson">The osbuild arguments JSON for stdin.</param>
/// <param name="Mounts">Tree, sources output, output directory.</param>
/// <param name="Timeout">Kill the run after this long; null = no limit.</param>
public sealed record ContainerRunRequest(
    BuildRoot BuildRoot,
    PluginInfo Runner,
    PluginInfo Plugin,
    string ArgumentsJson,
    IReadOnlyList<ContainerMount> Mounts,
    TimeSpan? Timeout);

/// <summary>How a plugin run ended.</summary>
/// <param name="Exit">The plugin's exit status or the signal that killed it.</param>
/// <param name="Output">Everything the runner and plugin wrote to stdout and stderr, newlines normalised, and its log lines.</param>
/// <param name="Failure">Why the host considers the run failed beyond the exit status (timeout, broken RPC channel), or null.</param>
public sealed record ContainerRunResult(PluginExit Exit, string Output, string? Failure)
{
    public bool Success => Exit.Succeeded && Failure is null;
}

/// <summary>What the host's services need to know about a running container.</summary>
/// <param name="DevDirectory">Host directory bound as the container's /dev (loop device nodes go here).</param>
/// <param name="WritableMounts">Read-write mounts, to translate a container path into a host path.</param>
/// <param name="Plugin">The plugin being run.</param>
/// <param name="Output">The run's output, which keeps the plugin's log notifications too; null for a source, which has no result of its own.</param>
public sealed record ContainerContext(string DevDirectory, IReadOnlyList<ContainerMount> WritableMounts, PluginInfo Plugin, RunOutput? Output = null)
{
    /// <summary>
    /// The host path of a file the plugin names by its container path, or null when it lies on no
    /// writable mount (the plugin could not have created it there, and we do not hand out devices
    /// for anything else).
    /// </summary>
    public string? ToHostPath(string containerPath)
    {
        if (!containerPath.StartsWith('/'))
        {
            return null;
        }

        string normalized = Path.GetFullPath(containerPath);
        foreach (ContainerMount mount in WritableMounts.OrderByDescending(m => m.ContainerPath.Length))
        {
            string prefix = mount.ContainerPath.TrimEnd('/') + "/";
            if (normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                return Path.Combine(mount.HostPath, normalized[prefix.Length..]);
            }
        }

        return null;
    }
}
