using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Engine.Service.Tests.Infrastructure;

/// <summary>
/// One osbuild-service process (api, worker, or both), its output kept for assertions and for the
/// message of a failing test. Ended with SIGTERM (and SIGKILL if it does not stop) when disposed.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;
    private readonly StringBuilder _output = new();

    public ServiceProcess(string name, IEnumerable<string> arguments)
    {
        Name = name;
        var start = new ProcessStartInfo(Machine.Service)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output when it does not in time.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > end)
            {
                throw new TimeoutException($"{Name} did not print \"{text}\" ({(_process.HasExited ? $"exited with {_process.ExitCode}" : "timeout")}):\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public void Kill() => _process.Kill();

    public void Terminate() => Machine.Run("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>Stops the service if it still runs (SIGTERM, then SIGKILL of its tree); safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            try
            {
                Terminate();
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
