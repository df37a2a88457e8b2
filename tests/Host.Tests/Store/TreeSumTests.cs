using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Engine.Host.Json;
using Engine.Native;
using Engine.Host.Store;

namespace Engine.Host.Tests.Store;

/// <summary>
/// The treesum against osbuild's definition (docs/architecture.md, "Treesum"). Trees are built under /var/tmp, which is ext4 here: the
/// hash covers directory sizes, and those are file-system specific (4096 on ext4). Names that are
/// not valid UTF-8 cannot be made through .NET's file APIs, so trees are built with /bin/sh.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TreeSumTests : IDisposable
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly string _work = Path.Combine("/var/tmp", "treesum-test-" + Guid.NewGuid().ToString("N"));

    public TreeSumTests()
    {
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => RemoveTree(_work);

    [Fact]
    public void Compute_SpecWorkedExample_MatchesReference()
    {
        // Given a reference tree whose treesum osbuild's algorithm gives, made by a script.
        SkipUnlessExt4(_work);
        string tree = Path.Combine(_work, "treesum-example");
        Shell(
            """
            set -e
            mkdir "$T" "$T/dir"
            printf 'hello\n' > "$T/dir/file"
            : > "$T/empty"
            printf 'z' > "$T/Zeta"
            printf '#!/bin/sh\n' > "$T/$(printf 'gr\303\274n')"
            ln -s dir/file "$T/link"
            chown -R -h 0:0 "$T"
            chmod 0755 "$T" "$T/dir"
            chmod 0644 "$T/dir/file"
            chmod 0600 "$T/empty"
            chmod 0640 "$T/Zeta"
            chmod 4755 "$T/$(printf 'gr\303\274n')"
            """,
            tree);

        // When / Then
        Assert.Equal("bde744445e7dcaad6cc8e793ed42516bed374148296e363c885cf78b51a003c8", TreeSum.Compute(tree, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_SpecWorkedExampleStream_HashesToTheSameValue()
    {
        // The byte stream printed in §5.1 is what the walker must produce; this pins the spec's text to its value.
        string stream =
            "{\"gid\": 0, \"mode\": 33184, \"name\": \"Zeta\", \"size\": 1, \"uid\": 0}z"
            + "{\"gid\": 0, \"mode\": 16877, \"name\": \"dir\", \"size\": 4096, \"uid\": 0}"
            + "{\"gid\": 0, \"mode\": 33188, \"name\": \"file\", \"size\": 6, \"uid\": 0}hello\n"
            + "{\"gid\": 0, \"mode\": 33152, \"name\": \"empty\", \"size\": 0, \"uid\": 0}"
            + "{\"gid\": 0, \"mode\": 35309, \"name\": \"gr\\u00fcn\", \"size\": 10, \"uid\": 0}#!/bin/sh\n"
            + "{\"gid\": 0, \"mode\": 41471, \"name\": \"link\", \"size\": 8, \"uid\": 0}dir/file";
        Assert.Equal("bde744445e7dcaad6cc8e793ed42516bed374148296e363c885cf78b51a003c8", Sha256(stream));
    }

    [Fact]
    public void Compute_EmptyDirectory_IsSha256OfNothing()
    {
        Assert.Equal(EmptySha256, TreeSum.Compute(_work, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_SymlinkToDirectory_SumsTheTarget()
    {
        // Given a store ref: a symlink to a tree.
        string tree = Path.Combine(_work, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "a"), "x");
        string link = Path.Combine(_work, "ref");
        File.CreateSymbolicLink(link, tree);

        Assert.Equal(TreeSum.Compute(tree, TestContext.Current.CancellationToken), TreeSum.Compute(link, TestContext.Current.CancellationToken));
        Assert.NotEqual(EmptySha256, TreeSum.Compute(link, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_NonAsciiAndUndecodableNames_SortedByCodePointAndEscaped()
    {
        // Given names U+D7FF, a lone 0xFF byte (U+DCFF once surrogate-escaped), U+E000 and an emoji.
        // Byte order would be ED.., EE.., F0.., FF; Python's order is D7FF, DCFF, E000, 1F389.
        Shell(
            """
            set -e
            printf 1 > "$T/$(printf '\355\237\277')"
            printf 2 > "$T/$(printf '\377')"
            printf 3 > "$T/$(printf '\356\200\200')"
            printf 4 > "$T/$(printf '\360\237\216\211')"
            printf 5 > "$T/$(printf 'a\342\202b')"
            chmod 0644 "$T"/*
            """,
            _work);

        string expected = Sha256(
            Meta(33188, "a\\udce2\\udc82b", 1) + "5"
            + Meta(33188, "\\ud7ff", 1) + "1"
            + Meta(33188, "\\udcff", 1) + "2"
            + Meta(33188, "\\ue000", 1) + "3"
            + Meta(33188, "\\ud83c\\udf89", 1) + "4");

        Assert.Equal(expected, TreeSum.Compute(_work, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_NamesNeedingJsonEscapes_EscapedLikePython()
    {
        // Quote, backslash, tab, newline, DEL and a control character in names.
        Shell(
            """
            set -e
            : > "$T/$(printf 'q"b\\s')"
            : > "$T/$(printf 't\tn\nx')x"
            : > "$T/$(printf 'del\177\001')"
            chmod 0644 "$T"/*
            """,
            _work);

        string expected = Sha256(
            Meta(33188, "del\\u007f\\u0001", 0)
            + Meta(33188, "q\\\"b\\\\s", 0)
            + Meta(33188, "t\\tn\\nxx", 0));

        Assert.Equal(expected, TreeSum.Compute(_work, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_SymlinkModesAndEmptyFiles_HashedAsSpecified()
    {
        Shell(
            """
            set -e
            ln -s ../some/where "$T/l"
            : > "$T/e"
            printf 'abc' > "$T/s"
            chmod 6711 "$T/s"
            chmod 1600 "$T/e"
            """,
            _work);

        string expected = Sha256(
            Meta(0x8000 | 0x380, "e", 0)
            + Meta(0xa1ff, "l", 13) + "../some/where"
            + Meta(0x8000 | 0xdc9, "s", 3) + "abc");

        Assert.Equal(expected, TreeSum.Compute(_work, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Compute_ManyFilesAndLargeFiles_EqualsStreamBuiltIndependently()
    {
        // Given files that span and straddle the 1 MiB hashing chunks, among many small ones.
        SkipUnlessExt4(_work);
        var random = new Random(42);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (int size in new[] { 0, 1, 4095, 65536, (1 << 20) - 7, 1 << 20, (3 << 20) + 11 })
        {
            byte[] content = new byte[size];
            random.NextBytes(content);
            files["big" + size.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)] = content;
        }

        for (int i = 0; i < 300; i++)
        {
            byte[] content = new byte[random.Next(0, 9000)];
            random.NextBytes(content);
            files["small" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)] = content;
        }

        string sub = Path.Combine(_work, "sub");
        Directory.CreateDirectory(sub);
        File.SetUnixFileMode(sub, (UnixFileMode)0x1ed);
        foreach (var (name, content) in files)
        {
            string path = Path.Combine(sub, name);
            File.WriteAllBytes(path, content);
            File.SetUnixFileMode(path, (UnixFileMode)0x1a4);
        }

        // A directory this full is larger than one ext4 block.
        long directorySize = long.Parse(Run("stat", ["-c", "%s", sub]), System.Globalization.CultureInfo.InvariantCulture);
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        expected.AppendData(Encoding.ASCII.GetBytes(Meta(0x41ed, "sub", directorySize)));
        foreach (var (name, content) in files)
        {
            expected.AppendData(Encoding.ASCII.GetBytes(Meta(0x81a4, name, content.Length)));
            expected.AppendData(content);
        }

        // When
        string actual = TreeSum.Compute(_work, TestContext.Current.CancellationToken);

        // Then
        Assert.Equal(Convert.ToHexStringLower(expected.GetHashAndReset()), actual);
    }

    [Fact]
    public async Task Compute_Fifo_FailsNamingThePathWithoutOpeningIt()
    {
        // Given a FIFO: opening it for reading would block forever, so a hang here is a failure too.
        Shell("mkdir \"$T/d\" && mkfifo \"$T/d/pipe\"", _work);

        // When
        var compute = Task.Run(() => TreeSum.Compute(_work, CancellationToken.None), TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(compute, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        // Then
        Assert.True(first == compute, "treesum blocked on a FIFO");
        var error = await Assert.ThrowsAsync<IOException>(() => compute);
        Assert.Contains(Path.Combine(_work, "d", "pipe"), error.Message, StringComparison.Ordinal);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_Socket_FailsNamingThePath()
    {
        // The socket stays open: .NET removes a socket file it bound when the socket is disposed.
        string path = Path.Combine(_work, "sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        var error = Assert.Throws<IOException>(() => TreeSum.Compute(_work, TestContext.Current.CancellationToken));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("socket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_CharacterDevice_FailsNamingThePath()
    {
        string path = Path.Combine(_work, "null");
        Shell("mknod \"$T/null\" c 1 3", _work);

        var error = Assert.Throws<IOException>(() => TreeSum.Compute(_work, TestContext.Current.CancellationToken));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("character device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_SymlinkTargetNotUtf8_Fails()
    {
        Shell("ln -s \"$(printf 'x\\377')\" \"$T/bad\"", _work);

        var error = Assert.Throws<IOException>(() => TreeSum.Compute(_work, TestContext.Current.CancellationToken));
        Assert.Contains(Path.Combine(_work, "bad"), error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_MissingDirectory_FailsNamingIt()
    {
        string missing = Path.Combine(_work, "nope");
        var error = Assert.Throws<NativeException>(() => TreeSum.Compute(missing, TestContext.Current.CancellationToken));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_Cancelled_Throws()
    {
        File.WriteAllText(Path.Combine(_work, "a"), "a");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => TreeSum.Compute(_work, cts.Token));
    }

    [Fact]
    public void Compute_SelinuxLabels_HashedWithTrailingNul()
    {
        // Given a file, a directory and a symlink labelled the way setfiles stores labels (NUL-terminated).
        Shell(
            """
            set -e
            printf 'x' > "$T/f"
            mkdir "$T/d"
            ln -s f "$T/l"
            chmod 0644 "$T/f"
            chmod 0755 "$T/d"
            """,
            _work);
        try
        {
            SelinuxLabels.Set(Path.Combine(_work, "f"), "system_u:object_r:etc_t:s0\0"u8);
            SelinuxLabels.Set(Path.Combine(_work, "d"), "system_u:object_r:usr_t:s0\0"u8);
            SelinuxLabels.Set(Path.Combine(_work, "l"), "unconfined_u:object_r:caf\u00e9_t"u8);
        }
        catch (IOException e)
        {
            Assert.Skip("cannot set security.selinux on /var/tmp here: " + e.Message);
        }

        SkipUnlessExt4(_work);
        string expected = Sha256(
            "{\"gid\": 0, \"mode\": 16877, \"name\": \"d\", \"selinux\": \"system_u:object_r:usr_t:s0\\u0000\", \"size\": 4096, \"uid\": 0}"
            + "{\"gid\": 0, \"mode\": 33188, \"name\": \"f\", \"selinux\": \"system_u:object_r:etc_t:s0\\u0000\", \"size\": 1, \"uid\": 0}x"
            + "{\"gid\": 0, \"mode\": 41471, \"name\": \"l\", \"selinux\": \"unconfined_u:object_r:caf\\u00e9_t\", \"size\": 1, \"uid\": 0}f");

        Assert.Equal(expected, TreeSum.Compute(_work, TestContext.Current.CancellationToken));
    }

    // Expected values are Python 3's ascii(bytes.decode("utf-8", "surrogateescape")), kept escaped
    // because lone surrogates do not survive xunit's test case serialization.
    [Theory]
    [InlineData(new byte[] { 0xe2, 0x82, (byte)'a' }, "\\udce2\\udc82a")]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 }, "\\udced\\udca0\\udc80")]
    [InlineData(new byte[] { 0xc0, 0xaf }, "\\udcc0\\udcaf")]
    [InlineData(new byte[] { 0xf4, 0x90, 0x80, 0x80 }, "\\udcf4\\udc90\\udc80\\udc80")]
    [InlineData(new byte[] { 0xe0, 0x80, 0x80 }, "\\udce0\\udc80\\udc80")]
    [InlineData(new byte[] { 0xf0, 0x9f, 0x8e }, "\\udcf0\\udc9f\\udc8e")]
    [InlineData(new byte[] { 0xf0, 0x9f, 0x8e, 0x89 }, "\\ud83c\\udf89")]
    [InlineData(new byte[] { (byte)'a', 0xff, (byte)'b' }, "a\\udcffb")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xc3, 0xa9 }, "caf\\u00e9")]
    public void DecodeFileName_InvalidUtf8_MatchesPythonSurrogateEscape(byte[] name, string escaped)
    {
        Assert.Equal("\"" + escaped + "\"", PythonJson.QuoteString(FileNames.Decode(name)));
    }

    private static string Meta(int mode, string escapedName, long size)
        => $"{{\"gid\": 0, \"mode\": {mode}, \"name\": \"{escapedName}\", \"size\": {size}, \"uid\": 0}}";

    private static string Sha256(string latin1Stream)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.Latin1.GetBytes(latin1Stream)));

    private static void SkipUnlessExt4(string path)
    {
        // Directory sizes are hashed; the expected values assume ext4's 4096.
        string type = Run("stat", ["-f", "-c", "%T", path]).Trim();
        Assert.SkipUnless(type == "ext2/ext3", $"{path} is on {type}, not ext4; directory sizes would differ");
    }

    /// <summary>Runs a /bin/sh script with $T set to <paramref name="target"/>.</summary>
    private static void Shell(string script, string target)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardError = true };
        start.Environment["T"] = target;
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sh failed ({process.ExitCode}): {stderr}");
    }

    private static string Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    /// <summary>
    /// rm, not Directory.Delete: .NET cannot name files whose names are not UTF-8, and
    /// --one-file-system keeps a stray mount below from being emptied.
    /// </summary>
    private static void RemoveTree(string path) => Run("rm", ["-rf", "--one-file-system", path]);
}
