using System.Text;

namespace Engine.Host.Isolation;

/// <summary>
/// The output of one plugin run: what the plugin writes to stdout and stderr, streamed live to the
/// user and kept for the result's <c>output</c>, and the plugin's <c>log</c> notifications, kept
/// there too (as <c>[level] message</c> lines, in the order they arrived) so that a build run with
/// <c>--json</c> still carries them. The pipe pump and the RPC channel write from different threads.
/// </summary>
public sealed class RunOutput(IOutputSink live)
{
    private readonly MemoryStream _captured = new();
    private readonly Lock _lock = new();
    private bool _endsWithNewline = true;

    /// <summary>Bytes from the plugin's stdout/stderr pipe: kept, and passed on live.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        lock (_lock)
        {
            _captured.Write(bytes);
            _endsWithNewline = bytes[^1] == (byte)'\n';
        }

        live.Write(bytes);
    }

    /// <summary>A log notification: kept on a line of its own (the reporter shows it live).</summary>
    public void AppendLog(string level, string message)
    {
        lock (_lock)
        {
            _captured.Write(Encoding.UTF8.GetBytes($"{(_endsWithNewline ? "" : "\n")}[{level}] {message}\n"));
            _endsWithNewline = true;
        }
    }

    /// <summary>Everything kept, as UTF-8 (invalid bytes become U+FFFD) with universal newlines, like osbuild's result.</summary>
    public string Text()
    {
        lock (_lock)
        {
            string text = Encoding.UTF8.GetString(_captured.GetBuffer(), 0, (int)_captured.Length);
            return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }
    }
}
