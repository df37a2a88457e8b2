using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Engine.Host.Store;

public static partial class TreeSum
{
    /// <summary>
    /// The treesum's byte stream, hashed with one SHA-256. The walker fills 1 MiB chunks (meta lines
    /// and file contents are read straight into them, so small files share a chunk and cost no
    /// per-file buffer); a full chunk goes to a second thread that hashes while the walker reads
    /// the next. Hashing is the bottleneck (about 1.3 GB/s here), so overlapping it with stat,
    /// open and read is where the time is won. A tree smaller than one chunk never starts the
    /// thread. Chunks are hashed in the order they were filled: one producer, one FIFO, one consumer.
    /// </summary>
    private sealed class HashSink : IDisposable
    {
        private static readonly int ChunkSize = int.Parse(Environment.GetEnvironmentVariable("H1_CHUNK") ?? "1048576", System.Globalization.CultureInfo.InvariantCulture);

        // Four chunks: one being filled, up to three queued or being hashed.
        private static readonly int ChunkCount = int.Parse(Environment.GetEnvironmentVariable("H1_COUNT") ?? "4", System.Globalization.CultureInfo.InvariantCulture);

        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly BlockingCollection<(byte[] Buffer, int Length)> _full = new(ChunkCount);
        private readonly BlockingCollection<byte[]> _free = new(ChunkCount);
        private readonly List<byte[]> _owned = [];
        private Thread? _hasher;
        private Exception? _hasherFailure;
        private byte[] _current;
        private int _used;

        public HashSink()
        {
            _current = Rent();
        }

        /// <summary>Free space in the current chunk, at least <paramref name="sizeHint"/> bytes (at most the chunk size).</summary>
        public Span<byte> GetSpan(int sizeHint = 1)
        {
            if (ChunkSize - _used < Math.Min(sizeHint, ChunkSize))
            {
                Flush();
            }

            return _current.AsSpan(_used, ChunkSize - _used);
        }

        public void Advance(int count) => _used += count;

        public void Write(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                Span<byte> span = GetSpan();
                int count = Math.Min(span.Length, data.Length);
                data[..count].CopyTo(span);
                _used += count;
                data = data[count..];
            }
        }

        /// <summary>Hashes what is left and returns the lowercase hex digest.</summary>
        public string Finish()
        {
            if (_hasher is null)
            {
                _hash.AppendData(_current, 0, _used);
            }
            else
            {
                Flush();
                _full.CompleteAdding();
                _hasher.Join();
                _hasher = null;
                if (_hasherFailure is not null)
                {
                    throw new InvalidOperationException("hashing the tree failed", _hasherFailure);
                }
            }

            _used = 0;
            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        public void Dispose()
        {
            // The hasher must be gone before the chunks go back to the pool.
            if (!_full.IsAddingCompleted)
            {
                _full.CompleteAdding();
            }

            _hasher?.Join();
            foreach (byte[] buffer in _owned)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _owned.Clear();
            _full.Dispose();
            _free.Dispose();
            _hash.Dispose();
        }

        private void Flush()
        {
            if (_used == 0)
            {
                return;
            }

            if (Environment.GetEnvironmentVariable("H1_INLINE") == "1")
            {
                if (Environment.GetEnvironmentVariable("H1_NOHASH") != "1") _hash.AppendData(_current, 0, _used);
                _used = 0;
                return;
            }

            if (_hasher is null)
            {
                _hasher = new Thread(HashChunks) { IsBackground = true, Name = "treesum hasher" };
                _hasher.Start();
            }

            _full.Add((_current, _used));
            _current = _owned.Count < ChunkCount ? Rent() : _free.Take();
            _used = 0;
        }

        private byte[] Rent()
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            _owned.Add(buffer);
            return buffer;
        }

        private void HashChunks()
        {
            foreach (var (buffer, length) in _full.GetConsumingEnumerable())
            {
                if (_hasherFailure is null)
                {
                    try
                    {
                        _hash.AppendData(buffer, 0, length);
                    }
#pragma warning disable CA1031 // Handed to the walker's thread, which rethrows it from Finish.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        _hasherFailure = e;
                    }
                }

                // Always hand the chunk back, or the walker would wait for it forever.
                _free.Add(buffer);
            }
        }
    }
}
