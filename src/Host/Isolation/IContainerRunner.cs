namespace Engine.Host.Isolation;

/// <summary>
/// Runs one plugin in a container and says how it ended. <see cref="ContainerRunner"/> is the real
/// one (bubblewrap); the executor's tests give a scripted one, so the pipeline's logic (order,
/// caching, checkpoints, commits, results) is tested without root or containers.
/// </summary>
public interface IContainerRunner
{
    /// <param name="request">What to run, on which build root, with which mounts.</param>
    /// <param name="attachChannel">Starts serving the host end of the plugin's fd 3; disposed when the run ends.</param>
    /// <param name="cancellationToken">Kills the container.</param>
    Task<ContainerRunResult> RunAsync(
        ContainerRunRequest request,
        Func<Stream, ContainerContext, IPluginChannel> attachChannel,
        CancellationToken cancellationToken);
}
