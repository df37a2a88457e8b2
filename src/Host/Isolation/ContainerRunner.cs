using System.Net.Sockets;
using Engine.Native;
using Engine.Host.Plugins;
using Engine.Host.Store;
using Engine.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Isolation;

/// <summary>
/// Runs one plugin in a bubblewrap container: stdin = the arguments JSON, stdout and stderr = one
/// pipe streamed live and captured, fd 3 = one end of a socket pair whose other end the host
/// serves. Everything the run creates (its /var, /dev, the arguments file, the process, the
/// channel) is owned here and removed on every path out, including cancellation, which kills the
/// container (bwrap's pid namespace takes every process of the stage with it).
/// </summary>
public sealed class ContainerRunner(string storeRoot, string bwrapPath, IOutputSink liveOutput) : IContainerRunner
{
    /// <param name="attachChannel">Starts serving the host end of the RPC channel; disposed when the run ends.</param>
    /// <param name="cancellationToken">Kills the container.</param>
    public async Task<ContainerRunResult> RunAsync(
        ContainerRunRequest request,
        Func<Stream, ContainerContext, IPluginChannel> attachChannel,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using TempDirectory run = TempDirectory.Create(storeRoot, "tmp-run-");
        string varDirectory = Directory.CreateDirectory(Path.Combine(run.Path, "var")).FullName;
        string devDirectory = Directory.CreateDirectory(Path.Combine(run.Path, "dev")).FullName;
        DevDirectory.Populate(devDirectory);
        string argumentsFile = Path.Combine(run.Path, "arguments.json");
        await File.WriteAllTextAsync(argumentsFile, request.ArgumentsJson, cancellationToken);

        var command = new BubblewrapCommand()
            .Isolation()
            .Programs(request.BuildRoot)
            .PrivateDirectories(request.BuildRoot, varDirectory)
            .Kernel(devDirectory);
        command.Bind(request.Plugin.Root, ContainerPaths.Lib, readOnly: true);
        string runnerRoot = request.Runner.Root == request.Plugin.Root ? ContainerPaths.Lib : ContainerPaths.RunnerLib;
        if (runnerRoot == ContainerPaths.RunnerLib)
        {
            command.Bind(request.Runner.Root, ContainerPaths.RunnerLib, readOnly: true);
        }

        foreach (ContainerMount mount in request.Mounts)
        {
            command.Bind(mount.HostPath, mount.ContainerPath, mount.ReadOnly, allowDevices: mount.ContainerPath == ContainerPaths.Tree);
        }

        command.Environment(
        [
            new("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            new("LANG", "C.UTF-8"),
            new("HOME", "/root"),
            new(ProtocolConstants.RpcFdEnvironmentVariable, ProtocolConstants.RpcFd.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ProtocolConstants.VersionEnvironmentVariable, ProtocolConstants.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(RunnerStatus.EnvironmentVariable, RunnerStatus.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        IReadOnlyList<string> argv = command.Build(bwrapPath,
        [
            $"{runnerRoot}/{PluginKind.Runner}/{request.Runner.Name}",
            $"{ContainerPaths.Lib}/{request.Plugin.Kind}/{request.Plugin.Name}",
        ]);

        var output = new RunOutput(liveOutput);
        var context = new ContainerContext(devDirectory, command.WritableMounts, request.Plugin, output);
        SpawnedProcess process;
        Stream channel;
        SafeFileHandle outputRead;
        SafeFileHandle statusRead;
        {
            using SafeFileHandle stdin = File.OpenHandle(argumentsFile, FileMode.Open, FileAccess.Read);
            var (read, write) = Descriptors.Pipe();
            var (hostEnd, pluginEnd) = Descriptors.SocketPair();
            var (statusReadEnd, statusWrite) = Descriptors.Pipe();
            using (write)
            using (pluginEnd)
            using (statusWrite)
            {
                try
                {
                    // A process group of its own, killed as a whole: bubblewrap's pid 1 of the
                    // container survives the outer bwrap when that is killed before pid 1 has set
                    // its parent-death signal (a SIGINT in the container's first milliseconds), and
                    // it would hold the output pipe open forever. It stays in the outer's group.
                    process = SpawnedProcess.Start(bwrapPath, argv, [],
                        [(stdin, 0), (write, 1), (write, 2), (pluginEnd, ProtocolConstants.RpcFd), (statusWrite, RunnerStatus.Fd)],
                        ownProcessGroup: true);
                }
                catch
                {
                    read.Dispose();
                    hostEnd.Dispose();
                    statusReadEnd.Dispose();
                    throw;
                }
            }

            // Our copies of the child's ends are closed now, so EOF on the pipes and the socket
            // means the container is gone.
            outputRead = read;
            statusRead = statusReadEnd;
            channel = new NetworkStream(new Socket(hostEnd), ownsSocket: true);
        }

        string? failure = null;
        using var timeout = request.Timeout is TimeSpan limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        IPluginChannel served = attachChannel(channel, context);
        try
        {
            using CancellationTokenRegistration onCancel = cancellationToken.Register(() => process.SignalGroup(PosixSpawn.SIGKILL));
            using CancellationTokenRegistration onTimeout = timeout.Token.Register(() => process.SignalGroup(PosixSpawn.SIGKILL));
            Task pump = PumpAsync(outputRead, output);
            Task<string> status = ReadStatusAsync(statusRead);
            ProcessExit container = await process.Exited.ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            string statusLines = await status.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                failure = $"{request.Plugin.Name} did not finish within {request.Timeout!.Value.TotalSeconds:0.#} s (--timeout) and was killed";
            }

            // The container is gone, so its end of the socket is closed: wait for the channel to
            // read to EOF, so that garbage sent just before exiting is not missed.
            await served.Completion.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            failure ??= served.Failure is string broken ? $"{request.Plugin.Name} {broken}" : null;
            return new ContainerRunResult(PluginExit.Interpret(container, statusLines.Split('\n')), output.Text(), failure);
        }
        finally
        {
            process.SignalGroup(PosixSpawn.SIGKILL);
            await process.Exited.ConfigureAwait(false);
            await served.DisposeAsync().ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
            outputRead.Dispose();
            statusRead.Dispose();
        }
    }

    /// <summary>The runner's status lines (<see cref="RunnerStatus"/>), read to EOF: the container's end closes when it is gone.</summary>
    private static async Task<string> ReadStatusAsync(SafeFileHandle read)
    {
        await using var stream = new FileStream(read, FileAccess.Read, bufferSize: 0);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    private static async Task PumpAsync(SafeFileHandle read, RunOutput output)
    {
        await using var stream = new FileStream(read, FileAccess.Read, bufferSize: 0);
        byte[] buffer = new byte[16384];
        while (true)
        {
            int count = await stream.ReadAsync(buffer).ConfigureAwait(false);
            if (count == 0)
            {
                return;
            }

            output.Write(buffer.AsSpan(0, count));
        }
    }
}
