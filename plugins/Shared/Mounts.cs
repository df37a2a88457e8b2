namespace Engine.Plugins.Shared;

/// <summary>
/// Mounts made by a plugin, undone in reverse order on dispose, also when the plugin fails. Inside
/// the container the mounts live in its private mount namespace and would vanish with it, but a
/// plugin run by hand (tests, debugging) shares the caller's namespace, and a busy mount found at
/// unmount time means something still runs in the tree: both are reasons to unmount explicitly.
/// </summary>
internal sealed class Mounts : IAsyncDisposable
{
    private readonly Stack<string> _mounted = new();

    /// <summary>Runs <c>mount ARGS... TARGET</c> and remembers TARGET.</summary>
    public async Task MountAsync(IReadOnlyList<string> arguments, string target, CancellationToken cancellationToken)
    {
        await Command.RunAsync("mount", [.. arguments, target], cancellationToken).ConfigureAwait(false);
        _mounted.Push(target);
    }

    /// <summary>Unmounts everything mounted so far, newest first.</summary>
    public async Task UnmountAllAsync()
    {
        var failures = new List<string>();
        while (_mounted.TryPop(out string? target))
        {
            CommandResult result = await Command.TryRunAsync("umount", [target], CancellationToken.None).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                // Busy: detach it from the namespace now, the kernel finishes when the last user goes.
                CommandResult lazy = await Command.TryRunAsync("umount", ["--lazy", target], CancellationToken.None).ConfigureAwait(false);
                if (lazy.ExitCode != 0)
                {
                    failures.Add(target);
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new Engine.Protocol.Sdk.PluginFailedException($"could not unmount {string.Join(", ", failures)}");
        }
    }

    public async ValueTask DisposeAsync() => await UnmountAllAsync().ConfigureAwait(false);
}
