using System.Diagnostics;
using Engine.Service.Configuration;
using Engine.Native;

namespace Engine.Service.Worker;

/// <summary>
/// One run of the installed osbuild, as a user would run it: the manifest on standard input,
/// <c>--store</c>, <c>--json</c> (the result object on standard output), and the monitor records on
/// standard error, read line by line as they come.
/// </summary>
internal sealed class OsbuildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _standardOutput;
    private readonly Task _standardError;

    private OsbuildProcess(Process process, Action<string> onErrorLine)
    {
        _process = process;
        _standardOutput = process.StandardOutput.ReadToEndAsync();
        _standardError = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                onErrorLine(line);
            }
        });
    }

    public int Id => _process.Id;

    /// <summary>The command line after <c>setpriv --pdeathsig TERM --</c> (see <see cref="ChildSpawner"/>).</summary>
    public static IReadOnlyList<string> Arguments(EngineCommand engine, string store, string? sourcesFile, string? secretsFile)
        =>
        [
            engine.Osbuild, "--store", store, "--json", "--monitor", "JSONSeqMonitor", "--monitor-fd", "2",
            .. engine.PluginArguments(),
            .. sourcesFile is null ? Array.Empty<string>() : ["--sources", sourcesFile],
            .. secretsFile is null ? Array.Empty<string>() : ["--secrets", secretsFile],
            "-",
        ];

    public static async Task<OsbuildProcess> StartAsync(ChildSpawner spawner, IReadOnlyList<string> arguments, string workDirectory, byte[] manifest, Action<string> onErrorLine)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (string argument in (string[])["--pdeathsig", "TERM", "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = await spawner.StartAsync(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start setpriv (util-linux) to run {arguments[0]}: {e.Message}", e);
        }

        var run = new OsbuildProcess(process, onErrorLine);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(manifest);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // osbuild exited before reading the whole manifest; its exit status and messages say why.
        }

        return run;
    }

    /// <summary>Asks osbuild to stop: it kills the running stage and removes what it made, then exits 143.</summary>
    public void Terminate() => Send(ProcessSignals.SIGTERM);

    /// <summary>The last resort when osbuild does not stop after <see cref="Terminate"/>.</summary>
    public void Kill() => Send(ProcessSignals.SIGKILL);

    /// <summary>Waits for the end of osbuild and of both of its streams.</summary>
    public async Task<(int ExitCode, string StandardOutput)> WaitAsync()
    {
        await _process.WaitForExitAsync();
        await _standardError;
        return (_process.ExitCode, await _standardOutput);
    }

    public void Dispose() => _process.Dispose();

    private void Send(int signal)
    {
        if (!_process.HasExited)
        {
            ProcessSignals.Send(_process.Id, signal);
        }
    }
}
