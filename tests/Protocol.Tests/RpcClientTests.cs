using System.Text;
using System.Text.Json;
using Engine.Protocol;
using Engine.Protocol.Sdk;
using Nerdbank.Streams;

namespace Engine.Protocol.Tests;

public sealed class RpcClientTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task Invoke_HostAnswers_ReturnsResult()
    {
        // Given a client on one end of an in-memory duplex stream
        var (clientStream, hostStream) = FullDuplexStream.CreatePair();
        await using var client = new RpcClient(clientStream);
        using var hostReader = new StreamReader(hostStream, Encoding.UTF8, false, 4096, leaveOpen: true);

        // When the plugin calls sources.get and the host answers
        Task<JsonElement> call = client.InvokeAsync(MethodNames.SourcesGet, new SourcesGetRequest("org.osbuild.files", ["sha256:00"]), ProtocolJsonContext.Default.SourcesGetRequest, Timeout);
        string? line = await hostReader.ReadLineAsync(Timeout);
        using var request = JsonDocument.Parse(line!);
        long id = request.RootElement.GetProperty("id").GetInt64();
        byte[] answer = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"ok\":true}}}}\n");
        await hostStream.WriteAsync(answer, Timeout);

        // Then the request had osbuild's names and the result arrives
        Assert.Equal("sources.get", request.RootElement.GetProperty("method").GetString());
        Assert.Equal("org.osbuild.files", request.RootElement.GetProperty("params").GetProperty("source").GetString());
        Assert.True((await call).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Invoke_HostAnswersError_ThrowsWithMethodAndMessage()
    {
        var (clientStream, hostStream) = FullDuplexStream.CreatePair();
        await using var client = new RpcClient(clientStream);
        using var hostReader = new StreamReader(hostStream, Encoding.UTF8, false, 4096, leaveOpen: true);

        Task<JsonElement> call = client.InvokeAsync(MethodNames.SourcesGet, new SourcesGetRequest("x", []), ProtocolJsonContext.Default.SourcesGetRequest, Timeout);
        string? line = await hostReader.ReadLineAsync(Timeout);
        long id = JsonDocument.Parse(line!).RootElement.GetProperty("id").GetInt64();
        await hostStream.WriteAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"error\":{{\"code\":1001,\"message\":\"no source x\"}}}}\n"), Timeout);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => call);
        Assert.Equal(1001, error.Code);
        Assert.Equal("sources.get: no source x", error.Message);
    }

    [Fact]
    public async Task Invoke_HostClosesChannel_FailsInsteadOfHanging()
    {
        var (clientStream, hostStream) = FullDuplexStream.CreatePair();
        await using var client = new RpcClient(clientStream);

        Task<JsonElement> call = client.InvokeAsync(MethodNames.SourcesGet, new SourcesGetRequest("x", []), ProtocolJsonContext.Default.SourcesGetRequest, Timeout);
        await hostStream.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => call);
    }
}
