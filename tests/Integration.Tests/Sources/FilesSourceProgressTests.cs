using System.Collections.Concurrent;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Pipeline;
using Engine.Host.Plugins;
using Engine.Host.Services.Sources;
using Engine.Host.Services;
using Engine.Host.Store;
using Engine.Protocol;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// The published org.osbuild.files downloading several MiB from a local HTTP server while the host
/// serves its fd 3: the byte counts it reports arrive at the host, through
/// <see cref="SourceProgramRunner"/> and, one level up, through the run services of a stage to the
/// build reporter as that stage's progress.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FilesSourceProgressTests
{
    private const string Files = "org.osbuild.files";

    /// <summary>The server sends this much, then pauses <see cref="ChunkPause"/>: 6 MiB take at
    /// least 24 pauses, so the source's quarter-second reports fall inside the download.</summary>
    private const int ChunkSize = 256 * 1024;

    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(50);

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fetch_SeveralMiB_ProgressArrivesIncreasingUpToTheFileSize()
    {
        // Given a 6 MiB file served in paced chunks
        using var scratch = new ScratchDirectory("files-progress-host-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(6 << 20);
        server.Map("/big", _ => Paced(bytes));
        var progress = new ConcurrentQueue<ProgressNotification>();
        var channel = new SourceChannelServices(Files, progress.Enqueue, _ => { });

        // When
        JValue reply = await RunAsync(Files, Urls((checksum, server.BaseUrl + "big")), JValue.Object.Empty,
            scratch.Combine("cache"), scratch.Combine("output"), [checksum], channelServices: channel, cancellationToken: Timeout);

        // Then: the file is there, and its download was reported as it went
        Assert.Equal(JValue.Object.Empty, reply);
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
        await WaitForAsync(() => progress.Any(p => p.Current == bytes.Length));
        ProgressNotification[] seen = [.. progress];
        long[] done = seen.Select(p => p.Current).ToArray();
        Assert.True(done.Count(d => d > 0 && d < bytes.Length) >= 2, $"expected at least two reports during the download, got {string.Join(", ", done)}");
        Assert.True(done.Zip(done.Skip(1)).All(pair => pair.First <= pair.Second), $"bytes done went down: {string.Join(", ", done)}");
        Assert.All(seen, p => Assert.Contains(p.Total, new long[] { 0, bytes.Length }));
        Assert.All(seen, p => Assert.StartsWith($"{Files}: ", p.Message, StringComparison.Ordinal));
        ProgressNotification last = seen[^1];
        Assert.Equal(bytes.Length, last.Current);
        Assert.Equal(bytes.Length, last.Total);
        Assert.Equal($"{Files}: 1/1 files", last.Message);
    }

    [Fact]
    public async Task GetSources_StageAsksForFile_DownloadProgressReportedAsThatStagesProgress()
    {
        // Given the host's run services for one stage, with the built-in sources on the plugin path
        using var scratch = new ScratchDirectory("files-progress-stage-");
        await using var server = new TestHttpServer();
        var (checksum, bytes) = Payload(3 << 20);
        server.Map("/f", _ => Paced(bytes));
        var store = new ObjectStore(scratch.Combine("store"), (_, _) => throw new InvalidOperationException("no tree is committed here"));
        string pluginRoot = Path.GetDirectoryName(Path.GetDirectoryName(SourceProgram(Files)))!;
        var reporter = new RecordingReporter();
        var factory = new RunServicesFactory(
            store,
            new PluginCatalog([pluginRoot]),
            new SourceProgramRunner(TextWriter.Synchronized(new StringWriter())),
            JValue.Object.From((Files, Urls((checksum, server.BaseUrl + "f")))),
            JValue.Object.Empty,
            reporter);
        var stage = new Stage("org.osbuild.copy", JValue.Object.Empty, new string('a', 64), "pipeline.stages[0]");
        await using RunServices services = factory.Create(stage, scratch.Combine("sources"));

        // When the stage's sources.get arrives
        JsonElement reply = await services.GetSourcesAsync(new SourcesGetRequest(Files, [checksum]), Timeout);

        // Then
        Assert.Equal(JsonValueKind.Object, reply.ValueKind);
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("sources", Files, checksum)));
        await WaitForAsync(() => reporter.Reported.Any(p => p.Progress.Current == bytes.Length));
        (Stage Stage, ProgressNotification Progress, string? Source)[] seen = [.. reporter.Reported];
        Assert.All(seen, p => Assert.Same(stage, p.Stage));
        Assert.All(seen, p => Assert.Equal(Files, p.Source));
        Assert.Equal(new ProgressNotification(bytes.Length, bytes.Length, $"{Files}: 1/1 files"), seen[^1].Progress);
    }

    /// <summary>Random content and its checksum.</summary>
    private static (string Checksum, byte[] Bytes) Payload(int size)
    {
        byte[] bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
    }

    /// <summary>Announces the whole length, then sends <see cref="ChunkSize"/> bytes per <see cref="ChunkPause"/>.</summary>
    private static TestResponse Paced(byte[] bytes) => new(200, bytes)
    {
        ContentLength = bytes.Length,
        WriteBody = async (stream, ct) =>
        {
            for (int offset = 0; offset < bytes.Length; offset += ChunkSize)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(ChunkSize, bytes.Length - offset)), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(ChunkPause, ct);
            }
        },
    };

    /// <summary>
    /// The host's channel hands each notification over from the thread pool, so the last one may land
    /// a moment after the fetch returned; wait for it (bounded) instead of racing it.
    /// </summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 250 && !condition(); i++)
        {
            await Task.Delay(20, Timeout);
        }
    }

    /// <summary>Keeps the progress the build reporter is given; everything else is ignored.</summary>
    private sealed class RecordingReporter : IBuildReporter
    {
        private readonly ConcurrentQueue<(Stage, ProgressNotification, string?)> _progress = new();

        public IEnumerable<(Stage Stage, ProgressNotification Progress, string? Source)> Reported => _progress;

        public void Progress(Stage stage, ProgressNotification progress, string? source = null) => _progress.Enqueue((stage, progress, source));

        public void StageStarting(Stage stage, bool isAssembler, int position, int count)
        {
        }

        public void StageFinished(Stage stage, bool success, PluginExit exit, TimeSpan elapsed)
        {
        }

        public void Log(Stage stage, LogNotification log)
        {
        }

        public void Warning(string message)
        {
        }

        public void Error(string message)
        {
        }

        public void Note(string message)
        {
        }

        public void Finished(PipelineResult result, Host.Pipeline.Pipeline pipeline)
        {
        }
    }
}
