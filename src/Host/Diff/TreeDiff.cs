using System.Collections.Immutable;
using System.Security.Cryptography;
using Engine.Host.Json;
using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Host.Diff;

/// <summary>
/// Compares two file system trees ("before" and "after") the way osbuild's <c>tree-diff</c> tool
/// does, so that the stage tests' <c>diff.json</c> fixtures can be checked against our trees:
/// added and deleted paths, and per path the differing <c>selinux</c>, <c>mode</c> (or
/// <c>uid</c>/<c>gid</c>), <c>symlink</c> target or <c>content</c> hash. docs/architecture.md ("tree-diff") is
/// the algorithm, §4 the output format; lists follow the file system's directory order, which
/// is why reports are compared with <see cref="TreeDiffReportMatcher"/>, not byte-wise.
/// </summary>
public static class TreeDiff
{
    /// <summary>Builds the report for <paramref name="before"/> → <paramref name="after"/> (symlinks to directories are followed).</summary>
    /// <exception cref="IOException">A tree root cannot be opened, or a directory or file cannot be read part-way.</exception>
    public static JValue.Object Compare(string before, string after)
    {
        ArgumentException.ThrowIfNullOrEmpty(before);
        ArgumentException.ThrowIfNullOrEmpty(after);
        using SafeFileHandle root1 = Directories.Open(before);
        using SafeFileHandle root2 = Directories.Open(after);
        using var walker = new Walker();
        walker.Diff(root1, root2, before, after);
        return walker.ToReport();
    }

    /// <summary>The report as the reference prints it: <c>json.dumps(report, indent=2)</c> and a newline.</summary>
    public static string Render(JValue report) => PythonJson.Indented(report, 2) + "\n";

    private sealed class Walker : IDisposable
    {
        private static readonly byte[] Dot = [(byte)'.', 0];

        private readonly List<JValue> _added = [];
        private readonly List<JValue> _deleted = [];
        private readonly List<(string Path, List<KeyValuePair<string, JValue>> Kinds)> _differences = [];
        private readonly Dictionary<string, int> _differenceIndex = new(StringComparer.Ordinal);
        private readonly byte[] _directoryBuffer = new byte[64 * 1024];
        private readonly byte[] _readBuffer = new byte[1 << 20];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Diff(SafeFileHandle root1, SafeFileHandle root2, string before, string after)
        {
            // Like the reference: the roots' labels are read through /proc/self/fd/<fd> itself, the
            // roots' modes are compared but the walk always descends.
            CompareSelinux(root1, root2, null, "/");
            FileStatus status1 = Stat(root1, Dot, before);
            FileStatus status2 = Stat(root2, Dot, after);
            CompareStatus(status1, status2, "/");
            Walk(root1, root2, "/", before);
        }

        public JValue.Object ToReport()
        {
            var differences = _differences
                .Select(d => KeyValuePair.Create(d.Path, (JValue)new JValue.Object([.. d.Kinds])))
                .ToImmutableArray();
            return JValue.Object.From(
                ("added_files", new JValue.Array([.. _added])),
                ("deleted_files", new JValue.Array([.. _deleted])),
                ("differences", new JValue.Object(differences)));
        }

        public void Dispose() => _hash.Dispose();

        private void Walk(SafeFileHandle directory1, SafeFileHandle directory2, string path, string pathForErrors)
        {
            var common = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Directories.ReadEntries(directory1, _directoryBuffer, pathForErrors))
            {
                string entryPath = Join(path, entry.Name);
                int errno = FileStatus.TryGetAt(directory2, entry.NameWithNul, out var status2);
                if (errno == Errno.ENOENT)
                {
                    _deleted.Add(new JValue.String(entryPath));
                    if (IsDirectory(directory1, entry))
                    {
                        ListDescendants(directory1, entry, entryPath, _deleted, pathForErrors);
                    }

                    continue;
                }

                if (errno != 0)
                {
                    throw new NativeException("lstat", Path.Join(pathForErrors, entry.Name) + " (after-tree)", errno);
                }

                common.Add(entry.Name);
                var status1 = Stat(directory1, entry.NameWithNul, Path.Join(pathForErrors, entry.Name));
                CompareSelinux(directory1, directory2, entry.NameWithNul, entryPath);
                if (!CompareStatus(status1, status2, entryPath))
                {
                    // A different mode (even a changed file type) ends the comparison: nothing below is reported.
                    continue;
                }

                if (status1.IsSymbolicLink)
                {
                    CompareTargets(directory1, directory2, entry, entryPath);
                }
                else if (status1.IsRegularFile)
                {
                    CompareContents(directory1, directory2, entry, entryPath, pathForErrors);
                }
                else if (status1.IsDirectory)
                {
                    // Directories that cannot be opened are skipped silently, as by the reference.
                    if (Files.TryOpenAt(directory1, entry.NameWithNul, Directories.OpenAtFlags, out SafeFileHandle child1) != 0)
                    {
                        child1.Dispose();
                        continue;
                    }

                    using (child1)
                    {
                        if (Files.TryOpenAt(directory2, entry.NameWithNul, Directories.OpenAtFlags, out SafeFileHandle child2) != 0)
                        {
                            child2.Dispose();
                            continue;
                        }

                        using (child2)
                        {
                            Walk(child1, child2, entryPath, Path.Join(pathForErrors, entry.Name));
                        }
                    }
                }
            }

            foreach (var entry in Directories.ReadEntries(directory2, _directoryBuffer, pathForErrors))
            {
                if (common.Contains(entry.Name))
                {
                    continue;
                }

                string entryPath = Join(path, entry.Name);
                _added.Add(new JValue.String(entryPath));
                if (IsDirectory(directory2, entry))
                {
                    ListDescendants(directory2, entry, entryPath, _added, pathForErrors);
                }
            }
        }

        /// <summary>Appends every path below a directory entry, pre-order, in directory order.</summary>
        private void ListDescendants(SafeFileHandle parent, DirectoryEntry entry, string path, List<JValue> into, string pathForErrors)
        {
            if (Files.TryOpenAt(parent, entry.NameWithNul, Directories.OpenAtFlags, out SafeFileHandle directory) != 0)
            {
                directory.Dispose();
                return;
            }

            using (directory)
            {
                string directoryForErrors = Path.Join(pathForErrors, entry.Name);
                foreach (var child in Directories.ReadEntries(directory, _directoryBuffer, directoryForErrors))
                {
                    string childPath = Join(path, child.Name);
                    into.Add(new JValue.String(childPath));
                    if (IsDirectory(directory, child))
                    {
                        ListDescendants(directory, child, childPath, into, directoryForErrors);
                    }
                }
            }
        }

        private bool CompareStatus(FileStatus status1, FileStatus status2, string path)
        {
            if (status1.Mode != status2.Mode)
            {
                Record(path, "mode", new JValue.Integer(status1.Mode), new JValue.Integer(status2.Mode));
                return false;
            }

            if (status1.Uid != status2.Uid)
            {
                Record(path, "uid", new JValue.Integer(status1.Uid), new JValue.Integer(status2.Uid));
            }

            if (status1.Gid != status2.Gid)
            {
                Record(path, "gid", new JValue.Integer(status1.Gid), new JValue.Integer(status2.Gid));
            }

            return true;
        }

        private void CompareSelinux(SafeFileHandle directory1, SafeFileHandle directory2, byte[]? nameWithNul, string path)
        {
            // Any failure on either side (no label, no xattr support) means "nothing to compare".
            if (SelinuxLabels.TryGetAt(directory1, nameWithNul, out byte[] raw1) != 0
                || SelinuxLabels.TryGetAt(directory2, nameWithNul, out byte[] raw2) != 0)
            {
                return;
            }

            // The reference decodes strictly and would crash on invalid UTF-8; we escape such bytes instead.
            string label1 = FileNames.Decode(raw1);
            string label2 = FileNames.Decode(raw2);
            if (!string.Equals(label1, label2, StringComparison.Ordinal))
            {
                Record(path, "selinux", new JValue.String(label1.Trim('\n', '\0')), new JValue.String(label2.Trim('\n', '\0')));
            }
        }

        private void CompareTargets(SafeFileHandle directory1, SafeFileHandle directory2, DirectoryEntry entry, string path)
        {
            if (Files.TryReadLinkAt(directory1, entry.NameWithNul, out byte[] target1) != 0
                || Files.TryReadLinkAt(directory2, entry.NameWithNul, out byte[] target2) != 0)
            {
                return;
            }

            if (!target1.AsSpan().SequenceEqual(target2))
            {
                Record(path, "symlink", new JValue.String(FileNames.Decode(target1)), new JValue.String(FileNames.Decode(target2)));
            }
        }

        private void CompareContents(SafeFileHandle directory1, SafeFileHandle directory2, DirectoryEntry entry, string path, string pathForErrors)
        {
            // Files that cannot be opened are skipped silently, as by the reference.
            if (Files.TryOpenAt(directory1, entry.NameWithNul, Files.OpenAtFlags, out SafeFileHandle file1) != 0)
            {
                file1.Dispose();
                return;
            }

            using (file1)
            {
                if (Files.TryOpenAt(directory2, entry.NameWithNul, Files.OpenAtFlags, out SafeFileHandle file2) != 0)
                {
                    file2.Dispose();
                    return;
                }

                using (file2)
                {
                    string errorPath = Path.Join(pathForErrors, entry.Name);
                    string hash1 = HashFile(file1, errorPath);
                    string hash2 = HashFile(file2, errorPath + " (after-tree)");
                    if (!string.Equals(hash1, hash2, StringComparison.Ordinal))
                    {
                        Record(path, "content", new JValue.String(hash1), new JValue.String(hash2));
                    }
                }
            }
        }

        private string HashFile(SafeFileHandle file, string pathForErrors)
        {
            try
            {
                while (true)
                {
                    int count = Files.Read(file, _readBuffer, pathForErrors);
                    if (count == 0)
                    {
                        return "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
                    }

                    _hash.AppendData(_readBuffer, 0, count);
                }
            }
            catch (NativeException)
            {
                _hash.GetHashAndReset();
                throw;
            }
        }

        /// <summary>Adds a kind to a path's differences; a path keeps the position of its first difference.</summary>
        private void Record(string path, string kind, JValue before, JValue after)
        {
            if (!_differenceIndex.TryGetValue(path, out int index))
            {
                index = _differences.Count;
                _differenceIndex.Add(path, index);
                _differences.Add((path, []));
            }

            _differences[index].Kinds.Add(KeyValuePair.Create(kind, (JValue)new JValue.Array([before, after])));
        }

        private static bool IsDirectory(SafeFileHandle directory, DirectoryEntry entry)
        {
            if (!entry.IsTypeUnknown)
            {
                return entry.IsDirectory;
            }

            // Some file systems leave d_type unset; Python's DirEntry.is_dir then falls back to lstat.
            return FileStatus.TryGetAt(directory, entry.NameWithNul, out var status) == 0 && status.IsDirectory;
        }

        private static FileStatus Stat(SafeFileHandle directory, byte[] nameWithNul, string pathForErrors)
        {
            int errno = FileStatus.TryGetAt(directory, nameWithNul, out var status);
            return errno == 0 ? status : throw new NativeException("lstat", pathForErrors, errno);
        }

        /// <summary><c>os.path.join</c> for a report path that starts at "/".</summary>
        private static string Join(string path, string name) => path == "/" ? "/" + name : path + "/" + name;
    }
}
