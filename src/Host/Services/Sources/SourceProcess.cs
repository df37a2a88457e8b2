using System.Collections;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Engine.Native;
using Engine.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Services.Sources;

/// <summary>
/// One running sources program and the host's ends of its descriptors: a pipe each for stdin,
/// stdout and stderr, and fd 3, one end of a Unix stream socket pair whose other end
/// (<see cref="Channel"/>) the host serves as the RPC channel. It is started with posix_spawn
/// (<see cref="SpawnedProcess"/>) because .NET's Process cannot hand a child a descriptor beyond
/// 0-2. The environment is the host's own (sources need the proxy settings) with
/// <c>OSBUILD_RPC_FD=3</c> and <c>OSBUILD_PROTOCOL_VERSION</c> set as for a stage.
/// The program leads a process group of its own, so that <see cref="Kill"/> also reaches what it
/// started after it exited itself; it is not in the terminal's foreground group, so Ctrl-C reaches
/// it only through the host's cancellation.
/// </summary>
internal sealed class SourceProcess : IAsyncDisposable
{
    private readonly SpawnedProcess _process;

    private SourceProcess(SpawnedProcess process, Stream standardInput, Stream standardOutput, Stream standardError, Stream channel)
    {
        _process = process;
        StandardInput = standardInput;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Channel = channel;
    }

    /// <summary>The write end of the program's stdin; close it after the request.</summary>
    public Stream StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    /// <summary>The host's end of the program's fd 3.</summary>
    public Stream Channel { get; }

    /// <summary>Completes with how the program ended.</summary>
    public Task<ProcessExit> Exited => _process.Exited;

    /// <summary>Starts <paramref name="executablePath"/> (argv[0] is the path, as the multi-call plugin
    /// binary needs) with <paramref name="arguments"/> (none for a sources program; the assembly for
    /// osbuild-assembly-source).</summary>
    /// <exception cref="NativeException">The program cannot be run (missing, not executable, bad interpreter).</exception>
    public static SourceProcess Start(string executablePath, IReadOnlyList<string>? arguments = null)
    {
        var owned = new List<IDisposable>();
        SpawnedProcess? process = null;
        try
        {
            var (stdinRead, stdinWrite) = Descriptors.Pipe();
            owned.Add(stdinRead);
            owned.Add(stdinWrite);
            var (stdoutRead, stdoutWrite) = Descriptors.Pipe();
            owned.Add(stdoutRead);
            owned.Add(stdoutWrite);
            var (stderrRead, stderrWrite) = Descriptors.Pipe();
            owned.Add(stderrRead);
            owned.Add(stderrWrite);
            var (hostEnd, programEnd) = Descriptors.SocketPair();
            owned.Add(hostEnd);
            owned.Add(programEnd);

            process = SpawnedProcess.Start(
                executablePath,
                [executablePath, .. arguments ?? []],
                Environment(),
                [(stdinRead, 0), (stdoutWrite, 1), (stderrWrite, 2), (programEnd, ProtocolConstants.RpcFd)],
                ownProcessGroup: true);

            // Our copies of the program's ends are closed now, so EOF on a pipe or on the socket
            // means the program (and whatever inherited them) is done with it.
            stdinRead.Dispose();
            stdoutWrite.Dispose();
            stderrWrite.Dispose();
            programEnd.Dispose();
            return new SourceProcess(
                process,
                new FileStream(stdinWrite, FileAccess.Write, bufferSize: 0),
                new FileStream(stdoutRead, FileAccess.Read, bufferSize: 0),
                new FileStream(stderrRead, FileAccess.Read, bufferSize: 0),
                new NetworkStream(new Socket(hostEnd), ownsSocket: true));
        }
        catch
        {
            process?.SignalGroup(PosixSpawn.SIGKILL);
            foreach (IDisposable handle in owned)
            {
                handle.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// SIGKILL to the program and everything it started: first the process tree below it (which
    /// also finds children that moved to a group of their own), then its process group (which also
    /// finds children left behind after the program exited). Safe to call at any time, also from
    /// a cancellation callback: it never throws.
    /// </summary>
    public void Kill()
    {
        if (!_process.Exited.IsCompleted)
        {
            try
            {
                using Process tree = Process.GetProcessById(_process.Pid);
                tree.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or AggregateException or Win32Exception)
            {
                // Exited meanwhile, or a child vanished while the tree was walked; the group is next.
            }
        }

        _process.SignalGroup(PosixSpawn.SIGKILL);
    }

    /// <summary>Closes the host's ends; the program is not signalled (see <see cref="Kill"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await StandardInput.DisposeAsync().ConfigureAwait(false);
        await StandardOutput.DisposeAsync().ConfigureAwait(false);
        await StandardError.DisposeAsync().ConfigureAwait(false);
        await Channel.DisposeAsync().ConfigureAwait(false);
    }

    private static List<string> Environment()
    {
        var environment = new List<string>();
        foreach (DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            if (name is not (ProtocolConstants.RpcFdEnvironmentVariable or ProtocolConstants.VersionEnvironmentVariable))
            {
                environment.Add($"{name}={variable.Value}");
            }
        }

        environment.Add(string.Create(CultureInfo.InvariantCulture, $"{ProtocolConstants.RpcFdEnvironmentVariable}={ProtocolConstants.RpcFd}"));
        environment.Add(string.Create(CultureInfo.InvariantCulture, $"{ProtocolConstants.VersionEnvironmentVariable}={ProtocolConstants.Version}"));
        return environment;
    }
}
