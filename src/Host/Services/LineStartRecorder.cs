using System.Text;

namespace Engine.Host.Services;

/// <summary>
/// A read-through stream that remembers how the last line read from it began, so that a plugin
/// that writes something other than JSON-RPC on fd 3 can be shown what it wrote
/// (<c>first bytes: "this is not json"</c>) instead of a parser's exception.
/// </summary>
internal sealed class LineStartRecorder(Stream inner) : Stream
{
    private const int Kept = 40;
    private readonly Lock _lock = new();
    private readonly List<byte> _current = new(Kept);
    private byte[] _lastComplete = [];

    /// <summary>The first bytes of the line being read, or of the last complete one when none is open; quoted, control characters escaped.</summary>
    public string LastLineStart()
    {
        byte[] bytes;
        bool cut;
        lock (_lock)
        {
            bytes = _current.Count > 0 ? [.. _current] : _lastComplete;
            cut = bytes.Length >= Kept;
        }

        var text = new StringBuilder("\"");
        foreach (char c in Encoding.UTF8.GetString(bytes))
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or '\x7f' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return text.Append(cut ? "\"…" : "\"").ToString();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int count = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Record(buffer.Span[..count]);
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        Record(buffer.AsSpan(offset, read));
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Record(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            foreach (byte b in bytes)
            {
                if (b == (byte)'\n')
                {
                    _lastComplete = [.. _current];
                    _current.Clear();
                }
                else if (_current.Count < Kept)
                {
                    _current.Add(b);
                }
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
