using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// Behaviour of the published org.osbuild.files beyond osbuild's fixture: the cache invariant under
/// SIGKILL and SIGTERM, retries, redirects, file URLs, TLS client certificates, progress, and the
/// identifying values in each error.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FilesSourceTests
{
    private const string Files = "org.osbuild.files";

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fetch_CachedFileServerStopped_ServedFromCache()
    {
        // Given a file fetched once
        using var scratch = new ScratchDirectory("files-cached-");
        var (checksum, bytes) = Payload(100_000, seed: 1);
        var server = new TestHttpServer();
        server.Map("/f", _ => new TestResponse(200, bytes));
        JValue options = Urls((checksum, server.BaseUrl + "f"));
        await RunAsync(Files, options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("out1"), [checksum], cancellationToken: Timeout);
        Assert.Equal(1, server.Hits("/f"));

        // When the server is gone and another stage asks again
        await server.DisposeAsync();
        JValue reply = await RunAsync(Files, options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("out2"), [checksum], cancellationToken: Timeout);

        // Then
        Assert.Equal(JValue.Object.Empty, reply);
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("out2", checksum)));
    }

    [Fact]
    public async Task Fetch_KilledMidDownload_LeavesNoPartialFile()
    {
        // Given a download in progress from a server that trickles bytes
        using var scratch = new ScratchDirectory("files-kill-");
        await using var server = new TestHttpServer();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/slow", _ => Trickle(started));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        string checksum = "sha256:" + new string('0', 64);
        Task<JValue> fetch = RunAsync(Files, Urls((checksum, server.BaseUrl + "slow")), JValue.Object.Empty,
            scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: cancel.Token);
        await started.Task.WaitAsync(Timeout);
        await Task.Delay(500, Timeout); // let the source write some of it

        // When the host cancels: SIGKILL to the process tree
        await cancel.CancelAsync();

        // Then
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        Assert.True(Directory.Exists(scratch.Combine("cache")), "the source had not started");
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Combine("cache")));
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Combine("output")));
    }

    [Fact]
    public async Task Fetch_TerminatedMidDownload_RepliesInterruptedAndLeavesNoPartialFile()
    {
        // Given a download in progress, the program started directly so that the test has its pid
        using var scratch = new ScratchDirectory("files-term-");
        await using var server = new TestHttpServer();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/slow", _ => Trickle(started));
        string checksum = "sha256:" + new string('0', 64);
        string request = PythonJson.Compact(JValue.Object.From(
            ("options", Urls((checksum, server.BaseUrl + "slow"))), ("secrets", JValue.Object.Empty),
            ("cache", new JValue.String(scratch.Combine("cache"))), ("output", new JValue.String(scratch.Combine("output"))),
            ("checksums", Parse($"[\"{checksum}\"]"))));
        using var process = Process.Start(new ProcessStartInfo(SourceProgram(Files))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        await process.StandardInput.WriteAsync(request);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(Timeout);
        await started.Task.WaitAsync(Timeout);
        await Task.Delay(500, Timeout);

        // When
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Timeout);
        }

        await process.WaitForExitAsync(Timeout);

        // Then
        Assert.Equal(143, process.ExitCode);
        Assert.Equal("{\"error\":\"org.osbuild.files: interrupted\"}", await stdout);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Combine("cache")));
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Combine("output")));
    }

    [Fact]
    public async Task Fetch_AbandonedTempFiles_OnlyUnlockedOldOnesRemoved()
    {
        // Given temp files as a SIGKILLed run leaves them where O_TMPFILE is unavailable, and live ones
        using var scratch = new ScratchDirectory("files-sweep-");
        string cache = scratch.Combine("cache");
        Directory.CreateDirectory(cache);
        string abandoned = Path.Combine(cache, "osbuild-unverified-file-00000001");
        string held = Path.Combine(cache, "osbuild-unverified-file-00000002");
        string fresh = Path.Combine(cache, "osbuild-unverified-file-00000003");
        foreach (string path in new[] { abandoned, held, fresh })
        {
            File.WriteAllText(path, "partial");
        }

        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-1));
        File.SetLastWriteTimeUtc(held, DateTime.UtcNow.AddHours(-1));
        // a live writer holds flock(LOCK_EX), which is what .NET's FileShare.None takes
        using var writer = File.OpenHandle(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        // When
        await RunAsync(Files, JValue.Object.Empty, JValue.Object.Empty, cache, scratch.Combine("output"), [], cancellationToken: Timeout);

        // Then
        Assert.False(File.Exists(abandoned), "an abandoned temp file was kept");
        Assert.True(File.Exists(held), "a temp file with a live writer was deleted");
        Assert.True(File.Exists(fresh), "a fresh temp file was deleted");
    }

    [Fact]
    public async Task Fetch_CacheDiskFull_FailsOnceWithoutRetryAndLeavesNothing()
    {
        // Given a cache on a 1 MiB tmpfs and a 2 MiB file
        using var scratch = new ScratchDirectory("files-full-");
        string cache = scratch.Combine("cache");
        Directory.CreateDirectory(cache);
        if (await RunToolAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", cache) != 0)
        {
            Assert.Skip("cannot mount a tmpfs here (needs root); it stands in for a full disk");
        }

        try
        {
            await using var server = new TestHttpServer();
            var (checksum, bytes) = Payload(2 << 20, seed: 11);
            server.Map("/big", _ => new TestResponse(200, bytes));

            // When
            var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
                Files, Urls((checksum, server.BaseUrl + "big")), JValue.Object.Empty, cache, scratch.Combine("output"), [checksum], cancellationToken: Timeout));

            // Then
            Assert.Equal(
                $"org.osbuild.files: error downloading {server.BaseUrl}big (for {checksum}): cannot write into the cache directory: No space left on device",
                failure.Message);
            Assert.Equal(1, server.Hits("/big"));
            Assert.Empty(Directory.GetFileSystemEntries(cache));
        }
        finally
        {
            Assert.Equal(0, await RunToolAsync("umount", cache));
        }
    }

    [Fact]
    public async Task Fetch_ServerFailsTwiceThenServes_RetriesAndSucceeds()
    {
        using var scratch = new ScratchDirectory("files-retry-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(5000, seed: 2);
        server.Map("/flaky", hit => hit <= 2 ? new TestResponse(503, []) : new TestResponse(200, bytes));

        await RunAsync(Files, Urls((checksum, server.BaseUrl + "flaky")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout);

        Assert.Equal(3, server.Hits("/flaky"));
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
    }

    [Fact]
    public async Task Fetch_ServerAlwaysFails_NamesStatusUrlAndChecksumAfterThreeAttempts()
    {
        using var scratch = new ScratchDirectory("files-500-");
        await using var server = new TestHttpServer();
        string checksum = Payload(10, seed: 3).Checksum;
        server.Map("/broken", _ => new TestResponse(500, []));

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, server.BaseUrl + "broken")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout));

        Assert.Equal($"org.osbuild.files: error downloading {server.BaseUrl}broken (for {checksum}): HTTP 500 Internal Server Error (3 attempts)", failure.Message);
        Assert.Equal(3, server.Hits("/broken"));
    }

    [Fact]
    public async Task Fetch_NotFound_NotRetried()
    {
        using var scratch = new ScratchDirectory("files-404-");
        await using var server = new TestHttpServer();
        string checksum = Payload(10, seed: 4).Checksum;

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, server.BaseUrl + "nowhere")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout));

        Assert.Equal($"org.osbuild.files: error downloading {server.BaseUrl}nowhere (for {checksum}): HTTP 404 Not Found", failure.Message);
        Assert.Equal(1, server.Hits("/nowhere"));
    }

    [Fact]
    public async Task Fetch_UnreachableHost_NamesHostUrlAndChecksum()
    {
        using var scratch = new ScratchDirectory("files-unreachable-");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{closedPort}/x");
        string checksum = Payload(10, seed: 5).Checksum;

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, url)), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout));

        Assert.StartsWith($"org.osbuild.files: error downloading {url} (for {checksum}): cannot reach 127.0.0.1:{closedPort}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("(3 attempts)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Redirect_Followed()
    {
        using var scratch = new ScratchDirectory("files-redirect-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(3000, seed: 6);
        server.Map("/old", _ => new TestResponse(302, []) { Headers = new Dictionary<string, string> { ["Location"] = "/new" } });
        server.Map("/new", _ => new TestResponse(200, bytes));

        await RunAsync(Files, Urls((checksum, server.BaseUrl + "old")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout);

        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
        Assert.Equal(1, server.Hits("/new"));
    }

    [Fact]
    public async Task Fetch_FileUrl_CopiedAndVerified()
    {
        using var scratch = new ScratchDirectory("files-fileurl-");
        var (checksum, bytes) = Payload(700_000, seed: 7);
        File.WriteAllBytes(scratch.Combine("local"), bytes);

        await RunAsync(Files, Urls((checksum, "file://" + scratch.Combine("local"))), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout);

        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("cache", checksum)));
    }

    [Fact]
    public async Task Fetch_EveryAlgorithm_Verified()
    {
        using var scratch = new ScratchDirectory("files-algorithms-");
        await using var server = new TestHttpServer();
        byte[] bytes = Encoding.ASCII.GetBytes("every algorithm\n");
        server.Map("/f", _ => new TestResponse(200, bytes));
        // The weak algorithms are what osbuild accepts; here they only name test content.
#pragma warning disable CA5350, CA5351
        string[] checksums =
        [
            "md5:" + Convert.ToHexStringLower(MD5.HashData(bytes)),
            "sha1:" + Convert.ToHexStringLower(SHA1.HashData(bytes)),
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)),
            "sha384:" + Convert.ToHexStringLower(SHA384.HashData(bytes)),
            "sha512:" + Convert.ToHexStringLower(SHA512.HashData(bytes)),
        ];
#pragma warning restore CA5350, CA5351

        await RunAsync(Files, Urls(checksums.Select(c => (c, server.BaseUrl + "f")).ToArray()), JValue.Object.Empty,
            scratch.Combine("cache"), scratch.Combine("output"), checksums, cancellationToken: Timeout);

        Assert.All(checksums, c => Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", c))));
    }

    [Fact]
    public async Task Fetch_UnsupportedAlgorithm_FailsWithoutDownloading()
    {
        using var scratch = new ScratchDirectory("files-sha3-");
        await using var server = new TestHttpServer();
        string checksum = "sha3:" + new string('a', 64);

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, server.BaseUrl + "f")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: Timeout));

        Assert.StartsWith($"org.osbuild.files: unsupported checksum algorithm: sha3 (checksum {checksum}, url {server.BaseUrl}f)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.TotalHits);
    }

    [Fact]
    public async Task Fetch_SameChecksumTwiceInRequest_DownloadedOnce()
    {
        using var scratch = new ScratchDirectory("files-dup-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(1000, seed: 8);
        server.Map("/f", _ => new TestResponse(200, bytes));

        await RunAsync(Files, Urls((checksum, server.BaseUrl + "f")), JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [checksum, checksum], cancellationToken: Timeout);

        Assert.Equal(1, server.Hits("/f"));
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
    }

    [Fact]
    public async Task Fetch_TwoRunsShareCacheConcurrently_BothSucceedWithOneCacheFile()
    {
        // Given a download slow enough for the two runs to overlap
        using var scratch = new ScratchDirectory("files-concurrent-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(2 << 20, seed: 9);
        server.Map("/f", _ => new TestResponse(200, bytes)
        {
            ContentLength = bytes.Length,
            WriteBody = async (stream, ct) =>
            {
                for (int offset = 0; offset < bytes.Length; offset += 256 * 1024)
                {
                    await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(256 * 1024, bytes.Length - offset)), ct);
                    await Task.Delay(20, ct);
                }
            },
        });
        JValue options = Urls((checksum, server.BaseUrl + "f"));

        // When
        await Task.WhenAll(
            RunAsync(Files, options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("out1"), [checksum], cancellationToken: Timeout),
            RunAsync(Files, options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("out2"), [checksum], cancellationToken: Timeout));

        // Then
        Assert.Equal(2, server.Hits("/f"));
        Assert.Equal([scratch.Combine("cache", checksum)], Directory.GetFileSystemEntries(scratch.Combine("cache")));
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("out1", checksum)));
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("out2", checksum)));
    }

    [Fact]
    public async Task Fetch_ManyFiles_OutputIsIndependentCopyOfCache()
    {
        // Given 40 files fetched in parallel
        using var scratch = new ScratchDirectory("files-many-");
        await using var server = new TestHttpServer();
        var payloads = Enumerable.Range(0, 40).Select(i => Payload(50_000 + i, seed: 100 + i)).ToArray();
        for (int i = 0; i < payloads.Length; i++)
        {
            byte[] bytes = payloads[i].Bytes;
            server.Map("/f" + i.ToString(CultureInfo.InvariantCulture), _ => new TestResponse(200, bytes));
        }

        JValue options = Urls(payloads.Select((p, i) => (p.Checksum, server.BaseUrl + "f" + i.ToString(CultureInfo.InvariantCulture))).ToArray());

        // When
        await RunAsync(Files, options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), payloads.Select(p => p.Checksum), cancellationToken: Timeout);

        // Then: every file is there, and writing to an output file leaves the cache intact (no hard link)
        Assert.All(payloads, p => Assert.Equal(p.Bytes, File.ReadAllBytes(scratch.Combine("output", p.Checksum))));
        File.WriteAllText(scratch.Combine("output", payloads[0].Checksum), "scribbled by a stage");
        Assert.Equal(payloads[0].Bytes, File.ReadAllBytes(scratch.Combine("cache", payloads[0].Checksum)));
    }

    [Fact]
    public async Task Fetch_WithRpcChannel_ReportsProgressInBytes()
    {
        // Given a channel on fd 3 (bash connects it; .NET cannot hand a child an extra descriptor)
        using var scratch = new ScratchDirectory("files-progress-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(3 << 20, seed: 10);
        server.Map("/f", _ => new TestResponse(200, bytes));
        var rpc = new TcpListener(IPAddress.Loopback, 0);
        rpc.Start();
        int rpcPort = ((IPEndPoint)rpc.LocalEndpoint).Port;
        string request = PythonJson.Compact(JValue.Object.From(
            ("options", Urls((checksum, server.BaseUrl + "f"))), ("secrets", JValue.Object.Empty),
            ("cache", new JValue.String(scratch.Combine("cache"))), ("output", new JValue.String(scratch.Combine("output"))),
            ("checksums", Parse($"[\"{checksum}\"]"))));

        // When
        using var process = Process.Start(new ProcessStartInfo("/bin/bash")
        {
            ArgumentList = { "-c", string.Create(CultureInfo.InvariantCulture, $"exec 3<>/dev/tcp/127.0.0.1/{rpcPort} && OSBUILD_RPC_FD=3 exec \"$0\""), SourceProgram(Files) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        using TcpClient channel = await rpc.AcceptTcpClientAsync(Timeout);
        rpc.Stop();
        await process.StandardInput.WriteAsync(request);
        process.StandardInput.Close();
        using var reader = new StreamReader(channel.GetStream());
        string messages = await reader.ReadToEndAsync(Timeout);
        await process.WaitForExitAsync(Timeout);

        // Then
        Assert.Equal("{}", await process.StandardOutput.ReadToEndAsync(Timeout));
        string last = messages.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var notification = (JValue.Object)Parse(last);
        Assert.Equal("progress", ((JValue.String)notification["method"]!).Value);
        Assert.Null(notification["id"]);
        var parameters = (JValue.Object)notification["params"]!;
        Assert.Equal(bytes.Length, (long)((JValue.Integer)parameters["current"]!).Value);
        Assert.Equal(bytes.Length, (long)((JValue.Integer)parameters["total"]!).Value);
        Assert.Contains("1/1 files", ((JValue.String)parameters["message"]!).Value, StringComparison.Ordinal);
    }

    /// <summary>A response that announces 64 MiB, sends 64 KiB, says so, then trickles until the client goes.</summary>
    private static TestResponse Trickle(TaskCompletionSource started) => new(200, [])
    {
        ContentLength = 64L << 20,
        WriteBody = async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[64 * 1024], ct);
            await stream.FlushAsync(ct);
            started.TrySetResult();
            while (true)
            {
                await Task.Delay(100, ct);
                await stream.WriteAsync(new byte[1024], ct);
                await stream.FlushAsync(ct);
            }
        },
    };

    private static async Task<int> RunToolAsync(string tool, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        await process.StandardError.ReadToEndAsync(Timeout);
        await process.WaitForExitAsync(Timeout);
        return process.ExitCode;
    }

    /// <summary>Deterministic content and its sha256 checksum.</summary>
    internal static (string Checksum, byte[] Bytes) Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
    }
}
