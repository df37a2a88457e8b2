using System.Text;

namespace Engine.Service.Builds;

/// <summary>
/// The log of each attempt, <c>builds/ID/logs/N.log</c>. A worker appends chunks that name their
/// offset: a chunk the API already has (the answer was lost, the worker sent it again) is not
/// written twice. Clients read from any offset and get the next offset back, so they can follow a
/// running build.
/// </summary>
internal sealed class LogStore(BuildRepository repository)
{
    internal sealed record Appended(bool Gap, long Length);

    /// <summary>Text read from a log, the offset after it, and the log's length when it was read.</summary>
    internal sealed record Slice(string Text, long Next, long Length);

    public async Task<Appended> AppendAsync(string id, int attempt, long offset, byte[] chunk, CancellationToken cancellationToken)
        => (await repository.UpdateAsync(id, async record =>
        {
            string path = repository.LogPath(id, attempt);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
            long length = stream.Length;
            if (offset > length)
            {
                return (record, new Appended(true, length));
            }

            long skip = length - offset;
            if (skip < chunk.Length)
            {
                stream.Seek(0, SeekOrigin.End);
                await stream.WriteAsync(chunk.AsMemory((int)skip), cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            return (record, new Appended(false, stream.Length));
        }, cancellationToken)).Result;

    /// <summary>The bytes of an attempt's log from <paramref name="offset"/> (at most 4 MiB), and the offset after them.</summary>
    public async Task<Slice> ReadAsync(string id, int attempt, long offset, CancellationToken cancellationToken)
    {
        string path = repository.LogPath(id, attempt);
        if (!File.Exists(path))
        {
            return new Slice("", 0, 0);
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long start = Math.Clamp(offset, 0, stream.Length);
        int count = (int)Math.Min(stream.Length - start, 4 << 20);
        byte[] buffer = new byte[count];
        stream.Seek(start, SeekOrigin.Begin);
        await stream.ReadExactlyAsync(buffer, cancellationToken);

        int end = CompleteUtf8Length(buffer);
        return new Slice(Encoding.UTF8.GetString(buffer, 0, end), start + end, stream.Length);
    }

    /// <summary>
    /// How many bytes of <paramref name="buffer"/> end on a character boundary: a read stops before
    /// a UTF-8 sequence cut by the size limit or by a chunk still being written, and the next read
    /// starts there.
    /// </summary>
    internal static int CompleteUtf8Length(ReadOnlySpan<byte> buffer)
    {
        for (int back = 1; back <= Math.Min(4, buffer.Length); back++)
        {
            byte b = buffer[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: its lead byte is further back
            }

            int length = (b & 0x80) == 0 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
            return length > back ? buffer.Length - back : buffer.Length;
        }

        return buffer.Length;
    }
}
