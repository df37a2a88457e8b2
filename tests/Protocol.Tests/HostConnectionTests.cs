using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Engine.Protocol.Sdk;
using Nerdbank.Streams;

namespace Engine.Protocol.Tests;

/// <summary>
/// The SDK's end of fd 3 against a host written by hand: what goes on the wire is exactly
/// docs/protocol.md §3 (params is the record itself, notifications carry no id, lines end in a
/// bare \n), whatever StreamJsonRpc's proxy would do by default.
/// </summary>
public sealed class HostConnectionTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    /// <summary>A connected SDK end and the raw host end of an in-memory duplex pipe.</summary>
    private sealed class Wire : IAsyncDisposable
    {
        private readonly Stream _host;

        public Wire()
        {
            (Stream plugin, _host) = FullDuplexStream.CreatePair();
            Connection = new HostConnection(plugin.UsePipe());
            Context = new PluginContext("org.example.test", new PluginArguments("/tree", null, JsonDocument.Parse("{}").RootElement, null), () => Connection);
        }

        public HostConnection Connection { get; }

        public PluginContext Context { get; }

        /// <summary>The next raw line the plugin sent, with its line ending.</summary>
        public async Task<string> ReadLineAsync()
        {
            var bytes = new List<byte>();
            byte[] one = new byte[1];
            while (await _host.ReadAsync(one, Timeout) == 1)
            {
                bytes.Add(one[0]);
                if (one[0] == (byte)'\n')
                {
                    break;
                }
            }

            return Encoding.UTF8.GetString([.. bytes]);
        }

        public Task AnswerAsync(string json) => _host.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"), Timeout).AsTask();

        public async Task CloseHostAsync() => await _host.DisposeAsync();

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task SourcesGet_SendsTheRecordAsParams_AndReturnsTheResult()
    {
        await using var wire = new Wire();

        Task<JsonElement> call = wire.Context.GetSourcesAsync("org.osbuild.files", ["sha256:00"], Timeout);
        string line = await wire.ReadLineAsync();
        using var request = JsonDocument.Parse(line);
        long id = request.RootElement.GetProperty("id").GetInt64();
        await wire.AnswerAsync($$$"""{"jsonrpc": "2.0", "id": {{{id}}}, "result": {"ok": true}}""");

        Assert.EndsWith("}\n", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', line);
        Assert.Equal("sources.get", request.RootElement.GetProperty("method").GetString());
        Assert.Equal("""{"source":"org.osbuild.files","checksums":["sha256:00"]}""", request.RootElement.GetProperty("params").GetRawText());
        Assert.True((await call).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task HostAnswersError_ThrowsWithCodeMethodAndMessage()
    {
        await using var wire = new Wire();

        Task<JsonElement> call = wire.Context.GetSourcesAsync("x", [], Timeout);
        long id = JsonDocument.Parse(await wire.ReadLineAsync()).RootElement.GetProperty("id").GetInt64();
        await wire.AnswerAsync($$$"""{"jsonrpc": "2.0", "id": {{{id}}}, "error": {"code": 1001, "message": "no source x"}}""");

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => call);
        Assert.Equal(1001, error.Code);
        Assert.Equal("sources.get: no source x", error.Message);
    }

    [Fact]
    public async Task Progress_IsANotificationWithoutId_DeliveredBeforeDispose()
    {
        var wire = new Wire();
        await wire.Context.ReportProgressAsync(3, 10, "copying", Timeout);
        await wire.Context.LogAsync("warning", "last words", Timeout);

        // Dispose right away, as a plugin that exits: both lines must still arrive.
        Task dispose = wire.Context.DisposeAsync().AsTask();
        string progress = await wire.ReadLineAsync();
        string log = await wire.ReadLineAsync();
        await dispose;
        await wire.DisposeAsync();

        using var first = JsonDocument.Parse(progress);
        Assert.False(first.RootElement.TryGetProperty("id", out _));
        Assert.Equal("progress", first.RootElement.GetProperty("method").GetString());
        Assert.Equal("""{"current":3,"total":10,"message":"copying"}""", first.RootElement.GetProperty("params").GetRawText());
        Assert.Equal("""{"level":"warning","message":"last words"}""", JsonDocument.Parse(log).RootElement.GetProperty("params").GetRawText());
    }

    [Fact]
    public async Task HostClosesChannel_RequestFailsInsteadOfHanging()
    {
        await using var wire = new Wire();

        Task<JsonElement> call = wire.Context.GetSourcesAsync("x", [], Timeout);
        _ = await wire.ReadLineAsync();
        await wire.CloseHostAsync();

        await Assert.ThrowsAsync<IOException>(() => call);
    }
}
