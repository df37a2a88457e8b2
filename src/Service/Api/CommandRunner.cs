using System.Diagnostics;

namespace Engine.Service.Api;

/// <summary>Runs a short command (osbuild --check, --inspect) to its end and returns what it printed.</summary>
internal static class CommandRunner
{
    internal sealed record Outcome(int ExitCode, string StandardOutput, string StandardError);

    public static async Task<Outcome> RunAsync(string program, IEnumerable<string> arguments, byte[] standardInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EngineUnavailableException($"cannot run {program}: {e.Message}; give the installed osbuild with --osbuild");
        }

        using (process)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput, deadline.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The command exited before reading all of its input; its exit status says why.
            }

            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw cancellationToken.IsCancellationRequested
                    ? new OperationCanceledException(cancellationToken)
                    : new EngineUnavailableException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
            }

            return new Outcome(process.ExitCode, await stdout, await stderr);
        }
    }
}
