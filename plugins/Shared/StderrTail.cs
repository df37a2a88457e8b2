using System.Text;

namespace Engine.Plugins.Shared;

/// <summary>
/// A command's stderr on its way to the plugin's: passed on as it comes, byte for byte (progress
/// lines with <c>\r</c> and a last line without a newline stay as the tool wrote them), while its last
/// <see cref="Lines"/> lines are kept for the failure message.
/// </summary>
internal static class StderrTail
{
    public const int Lines = 20;

    /// <summary>Bytes kept for the tail: enough for <see cref="Lines"/> long lines, bounded for a tool that writes megabytes.</summary>
    private const int KeptBytes = 64 * 1024;

    /// <summary>Reads <paramref name="stderr"/> to its end, passing it on unless <paramref name="show"/> is false.</summary>
    /// <returns>Its last lines, <c>\r</c> counted as a line end, joined by <c>\n</c>.</returns>
    public static async Task<string> PumpAsync(Stream stderr, bool show)
    {
        using Stream? ours = show ? Console.OpenStandardError() : null;
        var kept = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stderr.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            if (ours is not null)
            {
                await ours.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
                await ours.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            kept.Write(buffer, 0, read);
            if (kept.Length > 2 * KeptBytes)
            {
                byte[] last = kept.GetBuffer().AsSpan((int)kept.Length - KeptBytes, KeptBytes).ToArray();
                kept.SetLength(0);
                kept.Write(last);
            }
        }

        return Tail(Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length));
    }

    /// <summary>The last <see cref="Lines"/> lines of <paramref name="text"/> (without the final line end).</summary>
    internal static string Tail(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines.TakeLast(Lines));
    }
}
