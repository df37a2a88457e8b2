using System.Diagnostics;
using System.Text;

namespace Engine.Integration.Tests.Boot;

/// <summary>
/// A qemu guest driven through its serial console on qemu's stdio: wait for text, type a line.
/// Owns the qemu process and kills it on dispose.
/// </summary>
internal sealed class SerialConsole : IDisposable
{
    private readonly Process _qemu;
    private readonly StringBuilder _seen = new();
    private readonly Lock _lock = new();

    public SerialConsole(string image, string format)
    {
        var start = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Software emulation (nested KVM does not work here); snapshot=on keeps the image untouched.
        foreach (string argument in (string[])["-m", "1024", "-nographic", "-serial", "mon:stdio", "-no-reboot",
                     "-drive", $"file={image},format={format},if=virtio,snapshot=on"])
        {
            start.ArgumentList.Add(argument);
        }

        _qemu = Process.Start(start)!;
        _ = PumpAsync(_qemu.StandardOutput);
        _ = PumpAsync(_qemu.StandardError);
    }

    /// <summary>Everything the guest printed so far.</summary>
    public string Transcript
    {
        get
        {
            lock (_lock)
            {
                return _seen.ToString();
            }
        }
    }

    /// <summary>Waits until <paramref name="text"/> appears after position <paramref name="from"/>; returns the position after it.</summary>
    public int WaitFor(string text, int from, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            string transcript = Transcript;
            int found = transcript.IndexOf(text, Math.Min(from, transcript.Length), StringComparison.Ordinal);
            if (found >= 0)
            {
                return found + text.Length;
            }

            if (_qemu.HasExited)
            {
                break;
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"'{text}' did not appear within {timeout.TotalSeconds} s; the console showed:\n{Tail(Transcript)}");
    }

    /// <summary>The rest of the line that starts at <paramref name="from"/>, once its end has arrived, without the line end.</summary>
    public string WaitForLine(int from, TimeSpan timeout)
    {
        int end = WaitFor("\n", from, timeout);
        return Transcript[from..(end - 1)].TrimEnd('\r');
    }

    public void Type(string line)
    {
        _qemu.StandardInput.Write(line + "\r");
        _qemu.StandardInput.Flush();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        char[] buffer = new char[4096];
        int count;
        while ((count = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_lock)
            {
                _seen.Append(buffer, 0, count);
            }
        }
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    public void Dispose()
    {
        try
        {
            _qemu.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        _qemu.Dispose();
    }
}
