using System.Text.Json;
using Engine.Host.Isolation;
using Engine.Host.Plugins;
using Engine.Host.Services;
using Engine.Protocol;
using Engine.Protocol.Sdk;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace Engine.Host.Tests.Services;

/// <summary>
/// Both ends of fd 3 as they ship: the host's channel (<see cref="PluginChannel"/> serving
/// <see cref="PluginEndpoint"/>) and the SDK's (<see cref="PluginContext"/> over
/// <see cref="HostConnection"/>), wired in memory. Every method of <see cref="IHostServices"/> and
/// every error code of docs/protocol.md §3.6 goes through the real serialization both ways; only
/// the work behind the host's services is scripted.
/// </summary>
public sealed class ContractTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    /// <summary>The host's services with scripted answers, recording what reached them.</summary>
    private sealed class ScriptedServices : IRunServices
    {
        public List<object> Received { get; } = [];

        public Func<SourcesGetRequest, JsonElement> Sources { get; set; } = _ => JsonDocument.Parse("{}").RootElement;

        public Func<LoopAttachRequest, LoopAttachResult> Attach { get; set; } = _ => new LoopAttachResult("loop7", "/dev/loop7");

        public Action<LoopDetachRequest> Detach { get; set; } = _ => { };

        public Task<JsonElement> GetSourcesAsync(SourcesGetRequest request, CancellationToken cancellationToken)
        {
            Received.Add(request);
            return Task.FromResult(Sources(request));
        }

        public LoopAttachResult AttachLoop(LoopAttachRequest request, ContainerContext container)
        {
            Received.Add(request);
            return Attach(request);
        }

        public void DetachLoop(LoopDetachRequest request)
        {
            Received.Add(request);
            Detach(request);
        }

        public void ReportProgress(ProgressNotification progress) => Received.Add(progress);

        public void Log(LogNotification log) => Received.Add(log);
    }

    /// <summary>A plugin of <paramref name="kind"/> connected to the host's channel.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly PluginChannel _channel;

        public Run(string kind, ScriptedServices services)
        {
            (Stream pluginEnd, Stream hostEnd) = FullDuplexStream.CreatePair();
            var plugin = new PluginInfo("org.example.contract", kind, "/plugins", "/plugins/" + kind + "/org.example.contract", Meta: null);
            Output = new RunOutput(new DiscardingSink());
            _channel = PluginChannel.Serve(hostEnd, services, new ContainerContext("/nonexistent-dev", [], plugin, Output));
            Plugin = new PluginContext("org.example.contract", new PluginArguments("/run/osbuild/tree", null, JsonDocument.Parse("{}").RootElement, null),
                () => new HostConnection(pluginEnd.UsePipe()));
        }

        public PluginContext Plugin { get; }

        public RunOutput Output { get; }

        /// <summary>Closes the plugin's end and waits until the host has handled everything it sent.</summary>
        public async Task FinishAsync()
        {
            await Plugin.DisposeAsync();
            await _channel.Completion.WaitAsync(Timeout);
        }

        public async ValueTask DisposeAsync()
        {
            await Plugin.DisposeAsync();
            await _channel.DisposeAsync();
        }
    }

    private sealed class DiscardingSink : IOutputSink
    {
        public void Write(ReadOnlySpan<byte> bytes)
        {
        }
    }

    private static LocalRpcException Failure(ErrorCodes code, string message) => new(message) { ErrorCode = (int)code };

    [Fact]
    public async Task SourcesGet_Stage_ReturnsTheSourcesReply()
    {
        var services = new ScriptedServices { Sources = r => JsonDocument.Parse($$"""[{"id": "{{r.Checksums[0]}}"}]""").RootElement };
        await using var run = new Run(PluginKind.Stage, services);

        JsonElement reply = await run.Plugin.GetSourcesAsync("org.osbuild.dnf", ["sha256:aa"], Timeout);

        Assert.Equal("""[{"id":"sha256:aa"}]""", reply.GetRawText());
        Assert.Equal(new SourcesGetRequest("org.osbuild.dnf", ["sha256:aa"]).Source, ((SourcesGetRequest)services.Received.Single()).Source);
    }

    [Theory]
    [InlineData(ErrorCodes.UnknownSource, "no source named 'org.example.none'")]
    [InlineData(ErrorCodes.SourceFailed, "org.osbuild.files: checksum mismatch")]
    public async Task SourcesGet_ServiceFails_PluginGetsCodeAndMessage(ErrorCodes code, string message)
    {
        var services = new ScriptedServices { Sources = _ => throw Failure(code, message) };
        await using var run = new Run(PluginKind.Stage, services);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.GetSourcesAsync("org.example.none", [], Timeout));

        Assert.Equal((int)code, error.Code);
        Assert.Equal($"sources.get: {message}", error.Message);
    }

    [Fact]
    public async Task SourcesGet_EmptySourceName_InvalidRequest()
    {
        var services = new ScriptedServices();
        await using var run = new Run(PluginKind.Stage, services);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.GetSourcesAsync("", [], Timeout));

        Assert.Equal((int)ErrorCodes.InvalidRequest, error.Code);
        Assert.Empty(services.Received);
    }

    [Fact]
    public async Task SourcesGet_FromAnAssembler_NotAvailable()
    {
        var services = new ScriptedServices();
        await using var run = new Run(PluginKind.Assembler, services);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.GetSourcesAsync("org.osbuild.files", [], Timeout));

        Assert.Equal((int)ErrorCodes.NotAvailable, error.Code);
        Assert.Equal("sources.get: sources.get is offered to stages only", error.Message);
    }

    [Fact]
    public async Task LoopAttachAndDetach_Assembler_RoundTrip()
    {
        var services = new ScriptedServices();
        await using var run = new Run(PluginKind.Assembler, services);

        LoopAttachResult device = await run.Plugin.AttachLoopAsync(new LoopAttachRequest("/var/tmp/disk.raw", Offset: 1048576, SizeLimit: 4096, ReadOnly: true), Timeout);
        await run.Plugin.DetachLoopAsync(device.DevName, Timeout);

        Assert.Equal(new LoopAttachResult("loop7", "/dev/loop7"), device);
        Assert.Equal(new LoopAttachRequest("/var/tmp/disk.raw", 1048576, 4096, true), services.Received[0]);
        Assert.Equal(new LoopDetachRequest("loop7"), services.Received[1]);
    }

    [Fact]
    public async Task LoopAttach_FromAStage_NotAvailable()
    {
        await using var run = new Run(PluginKind.Stage, new ScriptedServices());

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.AttachLoopAsync(new LoopAttachRequest("/var/tmp/disk.raw"), Timeout));

        Assert.Equal((int)ErrorCodes.NotAvailable, error.Code);
    }

    [Theory]
    [InlineData(ErrorCodes.LoopFailed, "no free loop device")]
    [InlineData(ErrorCodes.InvalidRequest, "/etc/x is not on a writable file system of the container")]
    public async Task LoopAttach_ServiceFails_PluginGetsCodeAndMessage(ErrorCodes code, string message)
    {
        var services = new ScriptedServices { Attach = _ => throw Failure(code, message) };
        await using var run = new Run(PluginKind.Assembler, services);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.AttachLoopAsync(new LoopAttachRequest("/etc/x"), Timeout));

        Assert.Equal((int)code, error.Code);
        Assert.Equal($"loop.attach: {message}", error.Message);
    }

    [Fact]
    public async Task LoopDetach_ServiceFails_LoopFailed()
    {
        var services = new ScriptedServices { Detach = _ => throw Failure(ErrorCodes.LoopFailed, "loop9 was not attached by this run") };
        await using var run = new Run(PluginKind.Assembler, services);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => run.Plugin.DetachLoopAsync("loop9", Timeout));

        Assert.Equal((int)ErrorCodes.LoopFailed, error.Code);
    }

    [Fact]
    public async Task ProgressAndLog_Notifications_ReachTheServicesAndTheRunOutput()
    {
        var services = new ScriptedServices();
        await using var run = new Run(PluginKind.Stage, services);

        await run.Plugin.ReportProgressAsync(1, 2, "half", Timeout);
        await run.Plugin.LogAsync(LogLevels.Info, "hello", Timeout);
        await run.Plugin.LogAsync("loud", "shouted", Timeout);
        await run.FinishAsync();

        Assert.Equal(new ProgressNotification(1, 2, "half"), services.Received[0]);
        Assert.Equal(new LogNotification(LogLevels.Info, "hello"), services.Received[1]);
        var explained = (LogNotification)services.Received[2];
        Assert.Equal(LogLevels.Warning, explained.Level);
        Assert.Equal("org.example.contract sent a log line with level \"loud\"; the levels are debug, info, warning, error: shouted", explained.Message);
        Assert.Contains("[info] hello\n", run.Output.Text(), StringComparison.Ordinal);
    }
}
