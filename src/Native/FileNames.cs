using System.Text;

namespace Engine.Native;

/// <summary>
/// Linux names are bytes. This layer takes and returns them as NUL-terminated byte strings (what the
/// system calls take) and turns them into text only for messages and for comparisons that must
/// match Python's <c>os.fsdecode</c>.
/// </summary>
public static class FileNames
{
    /// <summary>A path as the NUL-terminated UTF-8 bytes that system calls take.</summary>
    /// <exception cref="ArgumentException">The path contains a NUL character, which would cut it short.</exception>
    public static byte[] NulTerminated(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"path contains a NUL character: {path}", nameof(path));
        }

        int count = Encoding.UTF8.GetByteCount(path);
        byte[] bytes = new byte[count + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>Raw path bytes (no NUL) followed by one NUL.</summary>
    public static byte[] NulTerminated(ReadOnlySpan<byte> path)
    {
        byte[] terminated = new byte[path.Length + 1];
        path.CopyTo(terminated);
        return terminated;
    }

    /// <summary>
    /// Decodes a Linux name as Python's <c>os.fsdecode</c> does: UTF-8, and every byte of an
    /// invalid sequence becomes the lone surrogate U+DC00 + byte ("surrogateescape"). The mapping
    /// is one-to-one, so decoded names can be compared and used as keys like the bytes.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> name)
    {
        if (System.Text.Unicode.Utf8.IsValid(name))
        {
            return Encoding.UTF8.GetString(name);
        }

        var builder = new StringBuilder(name.Length);
        Span<char> pair = stackalloc char[2];
        while (!name.IsEmpty)
        {
            // Rune.DecodeFromUtf8 rejects overlong forms, encoded surrogates and values above
            // U+10FFFF like CPython, and consumes the maximal invalid subsequence, whose bytes
            // (a lead byte and continuation bytes) could not start a valid sequence themselves.
            var status = Rune.DecodeFromUtf8(name, out Rune rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                int written = rune.EncodeToUtf16(pair);
                builder.Append(pair[..written]);
            }
            else
            {
                foreach (byte b in name[..consumed])
                {
                    builder.Append((char)(0xdc00 + b));
                }
            }

            name = name[consumed..];
        }

        return builder.ToString();
    }

    /// <summary>Text of a NUL-terminated path, for messages.</summary>
    internal static string DecodeZ(ReadOnlySpan<byte> pathZ)
    {
        int end = pathZ.IndexOf((byte)0);
        return Decode(end < 0 ? pathZ : pathZ[..end]);
    }
}
