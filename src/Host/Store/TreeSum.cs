using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Engine.Host.Json;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Store;

/// <summary>
/// The treesum names a committed tree in the store (<c>objects/&lt;treesum&gt;</c>): one SHA-256
/// over every entry below a directory, in name order, each entry contributing the canonical JSON
/// of its metadata (<c>gid</c>, <c>mode</c>, <c>name</c>, optional <c>selinux</c>, <c>size</c>,
/// <c>uid</c>) followed by its symlink target or file content, and directories their subtree.
/// It must equal osbuild's value for the same tree byte for byte; docs/architecture.md ("Treesum") is the
/// contract and <c>TreeSumTests.Compute_SpecWorkedExample_MatchesReference</c> pins it.
/// </summary>
public static partial class TreeSum
{
    /// <summary>Computes the treesum of the entries below <paramref name="directory"/> (the directory's own metadata is not covered).</summary>
    /// <exception cref="IOException">
    /// An entry cannot be read, is a FIFO, socket or device node (a stored tree cannot hold one),
    /// or is a symlink whose target is not valid UTF-8. The message names the entry.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static string Compute(string directory, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ct.ThrowIfCancellationRequested();
        using SafeFileHandle root = Directories.Open(directory);
        using var sink = new HashSink();
        new Walker(sink, ct).Feed(root, directory);
        return sink.Finish();
    }

    /// <summary>Depth-first, pre-order walk that writes each entry's meta line and payload into the sink.</summary>
    private sealed class Walker(HashSink sink, CancellationToken ct)
    {
        // getdents64 fills this; entries are copied out before recursing, so one buffer serves all levels.
        private readonly byte[] _directoryBuffer = new byte[64 * 1024];
        private byte[] _meta = new byte[1024];

        public void Feed(SafeFileHandle directory, string directoryPath)
        {
            List<DirectoryEntry> entries = Directories.ReadEntries(directory, _directoryBuffer, directoryPath);

            // Python sorts the decoded str names; surrogate-escaped bytes (U+DC80–U+DCFF) sort
            // between U+D7FF and U+E000, which is why bytes cannot be compared directly.
            entries.Sort(static (a, b) => CodePointComparer.Instance.Compare(a.Name, b.Name));
            foreach (var entry in entries)
            {
                ct.ThrowIfCancellationRequested();
                FeedEntry(directory, directoryPath, entry);
            }
        }

        private void FeedEntry(SafeFileHandle directory, string directoryPath, DirectoryEntry entry)
        {
            int errno = FileStatus.TryGetAt(directory, entry.NameWithNul, out var status);
            if (errno != 0)
            {
                Errno.Throw("lstat", EntryPath(directoryPath, entry), errno);
            }

            if (status.IsSymbolicLink)
            {
                byte[]? label = Label(SelinuxLabels.TryGetAt(directory, entry.NameWithNul, out byte[] raw), raw, directoryPath, entry);
                errno = Files.TryReadLinkAt(directory, entry.NameWithNul, out byte[] target);
                if (errno != 0)
                {
                    Errno.Throw("readlink", EntryPath(directoryPath, entry), errno);
                }

                // osbuild hashes the target decoded and re-encoded as strict UTF-8, which fails on other bytes.
                if (!Utf8.IsValid(target))
                {
                    throw new IOException($"treesum: the target of symlink {EntryPath(directoryPath, entry)} is not valid UTF-8, which osbuild's treesum cannot hash; point the link at a UTF-8 path");
                }

                WriteMeta(status, entry, label);
                sink.Write(target);
                return;
            }

            if (!status.IsDirectory && !status.IsRegularFile)
            {
                // Checked before opening: opening a FIFO blocks and opening a device can act on it.
                throw new IOException($"treesum: {EntryPath(directoryPath, entry)} is {status.FileTypeName}; a stored tree may only hold regular files, directories and symlinks");
            }

            int flags = status.IsDirectory ? Directories.OpenAtFlags : Files.OpenAtFlags;
            errno = Files.TryOpenAt(directory, entry.NameWithNul, flags, out SafeFileHandle handle);
            using (handle)
            {
                if (errno != 0)
                {
                    Errno.Throw("open", EntryPath(directoryPath, entry), errno);
                }

                byte[]? label = Label(SelinuxLabels.TryGet(handle, out byte[] raw), raw, directoryPath, entry);
                WriteMeta(status, entry, label);
                if (status.IsDirectory)
                {
                    Feed(handle, EntryPath(directoryPath, entry));
                }
                else
                {
                    FeedContent(handle, status.Size, directoryPath, entry);
                }
            }
        }

        private void FeedContent(SafeFileHandle file, long size, string directoryPath, DirectoryEntry entry)
        {
            // Read straight into the hash chunks until end of file, as the reference does, except
            // that once st_size bytes have come the read that would return 0 is skipped: one
            // system call in seven on a tree of small files. Only a file that grows while being
            // summed could tell the difference, and then no sum of it is reproducible anyway.
            long total = 0;
            while (true)
            {
                // Checked per read as well, so that a huge file does not delay cancellation.
                ct.ThrowIfCancellationRequested();
                int count = Files.Read(file, sink.GetSpan(64 * 1024), EntryPath(directoryPath, entry));
                if (count == 0)
                {
                    return;
                }

                sink.Advance(count);
                total += count;
                if (total == size)
                {
                    return;
                }
            }
        }

        private static byte[]? Label(int errno, byte[] label, string directoryPath, DirectoryEntry entry)
        {
            if (errno == 0)
            {
                return label;
            }

            // Only a missing label is normal; anything else (EOPNOTSUPP, EACCES) would change the
            // sum silently, so osbuild aborts and so do we.
            if (errno == Errno.ENODATA)
            {
                return null;
            }

            throw new NativeException("getxattr security.selinux", EntryPath(directoryPath, entry), errno);
        }

        /// <summary>Writes <c>J(meta)</c>: keys in sorted order, Python's spacing and ASCII escaping.</summary>
        private void WriteMeta(FileStatus status, DirectoryEntry entry, byte[]? label)
        {
            // Worst case: each name byte escapes to 6 characters, likewise each label byte.
            int bound = 160 + (6 * entry.NameBytes.Length) + (label is null ? 0 : 16 + (6 * label.Length));
            if (_meta.Length < bound)
            {
                _meta = new byte[Math.Max(bound, _meta.Length * 2)];
            }

            var writer = new MetaWriter(_meta);
            writer.Append("{\"gid\": "u8);
            writer.Append(status.Gid);
            writer.Append(", \"mode\": "u8);
            writer.Append(status.Mode);
            writer.Append(", \"name\": "u8);
            writer.AppendQuoted(entry.NameBytes);
            if (label is not null)
            {
                writer.Append(", \"selinux\": "u8);
                writer.AppendQuoted(label);
            }

            writer.Append(", \"size\": "u8);
            writer.Append(status.Size);
            writer.Append(", \"uid\": "u8);
            writer.Append(status.Uid);
            writer.Append("}"u8);
            sink.Write(_meta.AsSpan(0, writer.Length));
        }

        private static string EntryPath(string directoryPath, DirectoryEntry entry)
            => Path.Join(directoryPath, entry.Name);
    }

    /// <summary>Appends ASCII to a buffer known to be large enough.</summary>
    private ref struct MetaWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> ascii)
        {
            ascii.CopyTo(_buffer[Length..]);
            Length += ascii.Length;
        }

        public void Append(long value)
        {
            value.TryFormat(_buffer[Length..], out int written, default, CultureInfo.InvariantCulture);
            Length += written;
        }

        /// <summary>
        /// A JSON string of raw bytes as Python writes <c>os.fsdecode(bytes)</c>: printable ASCII
        /// as is, everything else through <see cref="PythonJson.QuoteString"/>.
        /// </summary>
        public void AppendQuoted(ReadOnlySpan<byte> raw)
        {
            if (IsPlainAscii(raw))
            {
                _buffer[Length++] = (byte)'"';
                Append(raw);
                _buffer[Length++] = (byte)'"';
                return;
            }

            string quoted = PythonJson.QuoteString(FileNames.Decode(raw));
            Length += Encoding.ASCII.GetBytes(quoted, _buffer[Length..]);
        }

        private static bool IsPlainAscii(ReadOnlySpan<byte> raw)
        {
            foreach (byte b in raw)
            {
                if (b is < 0x20 or > 0x7e or (byte)'"' or (byte)'\\')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
