using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using Engine.Protocol;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// The fd-3 channel <see cref="SourceProgramRunner"/> gives a sources program (docs/protocol.md 5),
/// against shell scripts that speak JSON-RPC by hand (real processes, a real socket pair, the host's
/// real <c>PluginChannel</c>): what a program finds on fd 3, that notifications are passed on, that
/// requests are refused, that a program which ignores fd 3 works as before, and that one which
/// writes garbage there fails.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SourceProgramChannelTests
{
    private const string Name = "org.example.test";

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_Program_GetsSocketOnFd3AndProtocolEnvironment()
    {
        using var scratch = new ScratchDirectory("channel-");
        string seen = scratch.Combine("seen");
        string program = Script(scratch, "env", $$"""
            cat >/dev/null
            printf '%s %s %s' "$OSBUILD_RPC_FD" "$OSBUILD_PROTOCOL_VERSION" "$(readlink /proc/$$/fd/3)" > '{{seen}}'
            echo '{}'
            """);

        await Run(program, new Recorder().Services);

        Assert.StartsWith($"3 {ProtocolConstants.Version} socket:[", File.ReadAllText(seen), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ProgramIgnoringFd3_ReplyReturnedAndNothingForwarded()
    {
        using var scratch = new ScratchDirectory("channel-");
        string program = Script(scratch, "quiet", "cat >/dev/null; echo '[\"repo\"]'");
        var recorder = new Recorder();

        JValue reply = await Run(program, recorder.Services);

        Assert.Equal("""["repo"]""", PythonJson.Compact(reply));
        Assert.Empty(recorder.Progress);
        Assert.Empty(recorder.Logs);
    }

    [Fact]
    public async Task Run_ProgramClosingFd3AtOnce_ReplyReturned()
    {
        using var scratch = new ScratchDirectory("channel-");
        string program = Script(scratch, "closer", "exec 3>&-; cat >/dev/null; echo '{}'");

        JValue reply = await Run(program, channelServices: null);

        Assert.Equal(JValue.Object.Empty, reply);
    }

    [Fact]
    public async Task Run_ProgressAndLogNotifications_ForwardedInOrder()
    {
        // Given a program that reports like the python example of docs/protocol.md, by hand
        using var scratch = new ScratchDirectory("channel-");
        string program = Script(scratch, "reporter", """
            cat >/dev/null
            printf '%s\n' '{"jsonrpc": "2.0", "method": "progress", "params": {"current": 1, "total": 2, "message": "first mirror"}}' >&3
            printf '%s\n' '{"jsonrpc": "2.0", "method": "log", "params": {"level": "warning", "message": "first mirror is slow"}}' >&3
            printf '%s\n' '{"jsonrpc": "2.0", "method": "progress", "params": {"current": 2, "total": 2, "message": "done"}}' >&3
            echo '{}'
            """);
        var recorder = new Recorder();

        // When
        JValue reply = await Run(program, recorder.Services);

        // Then
        Assert.Equal(JValue.Object.Empty, reply);
        await recorder.WaitForProgressAsync(p => p.Current == 2);
        Assert.Equal([new ProgressNotification(1, 2, "first mirror"), new ProgressNotification(2, 2, "done")], recorder.Progress);
        Assert.Equal([new LogNotification("warning", "first mirror is slow")], recorder.Logs);
    }

    [Fact]
    public async Task Run_RequestsOnFd3_RefusedAsNotOfferedToSources()
    {
        // Given a program that asks for sources and a loop device and keeps the answers
        using var scratch = new ScratchDirectory("channel-");
        string answers = scratch.Combine("answers");
        string program = Script(scratch, "asker", $$$"""
            cat >/dev/null
            printf '%s\n' '{"jsonrpc": "2.0", "id": 1, "method": "sources.get", "params": {"source": "org.osbuild.files", "checksums": []}}' >&3
            read -r first <&3
            printf '%s\n' '{"jsonrpc": "2.0", "id": 2, "method": "loop.detach", "params": {"devname": "loop0"}}' >&3
            read -r second <&3
            printf '%s\n%s\n' "$first" "$second" > '{{{answers}}}'
            echo '{}'
            """);

        // When
        JValue reply = await Run(program, new Recorder().Services);

        // Then: both answered with error 1005, and the program's reply stands
        Assert.Equal(JValue.Object.Empty, reply);
        string[] lines = File.ReadAllLines(answers);
        Assert.Equal(2, lines.Length);
        var (code1, message1) = Error(lines[0]);
        Assert.Equal((int)ErrorCodes.NotAvailable, code1);
        Assert.Contains("sources.get is offered to stages only", message1, StringComparison.Ordinal);
        var (code2, message2) = Error(lines[1]);
        Assert.Equal((int)ErrorCodes.NotAvailable, code2);
        Assert.Equal($"loop.detach is offered to assemblers only, and {Name} is a source, which runs outside any container", message2);
    }

    [Fact]
    public async Task Run_GarbageOnFd3WithGoodReply_FailsNamingFd3()
    {
        using var scratch = new ScratchDirectory("channel-");
        string program = Script(scratch, "garbler", "cat >/dev/null; echo 'downloading...' >&3; echo '{}'");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run(program, new Recorder().Services));

        Assert.StartsWith($"{Name}: wrote something that is not JSON-RPC on fd 3 (first bytes: \"downloading...\")", failure.Message, StringComparison.Ordinal);
        Assert.Contains("docs/protocol.md", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GarbageOnFd3WithErrorReply_ReportsTheSourcesOwnError()
    {
        using var scratch = new ScratchDirectory("channel-");
        string program = Script(scratch, "garbler", "cat >/dev/null; echo 'downloading...' >&3; echo '{\"error\": \"mirror down\"}'");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run(program, new Recorder().Services));

        Assert.Equal($"{Name}: mirror down", failure.Message);
    }

    private static Task<JValue> Run(string program, SourceChannelServices? channelServices)
        => new SourceProgramRunner(TextWriter.Null).RunAsync(program, Name, JValue.Object.Empty, JValue.Object.Empty, "/c", "/o", [], channelServices, Timeout);

    private static (int Code, string Message) Error(string response)
    {
        var error = (JValue.Object)((JValue.Object)JsonTextParser.Parse(response, "answer"))["error"]!;
        return ((int)((JValue.Integer)error["code"]!).Value, ((JValue.String)error["message"]!).Value);
    }

    private static string Script(ScratchDirectory scratch, string name, string body)
    {
        string path = scratch.Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Keeps what the channel passes on, in arrival order.</summary>
    private sealed class Recorder
    {
        private readonly ConcurrentQueue<ProgressNotification> _progress = new();
        private readonly ConcurrentQueue<LogNotification> _logs = new();

        public Recorder() => Services = new SourceChannelServices(Name, _progress.Enqueue, _logs.Enqueue);

        public SourceChannelServices Services { get; }

        public IReadOnlyList<ProgressNotification> Progress => [.. _progress];

        public IReadOnlyList<LogNotification> Logs => [.. _logs];

        /// <summary>
        /// The channel hands each notification to the services from the thread pool, so the last one
        /// may land a moment after the run returned; wait for it (bounded) instead of racing it.
        /// </summary>
        public async Task WaitForProgressAsync(Func<ProgressNotification, bool> arrived)
        {
            for (int i = 0; i < 250 && !_progress.Any(arrived); i++)
            {
                await Task.Delay(20, Timeout);
            }
        }
    }
}
