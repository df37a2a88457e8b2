using System.Globalization;
using System.Runtime.Versioning;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// <see cref="SourceProgramRunner"/> against small shell scripts standing in for sources programs
/// (real processes, real pipes, real signals), for the contract's corners that the built-in sources
/// never produce: malformed replies, secrets echoed back, stray children.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SourceProgramRunnerTests
{
    private const string Secret = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

    private static readonly JValue s_secrets = JValue.Object.From(("key", new JValue.String(Secret)), ("password", new JValue.String("hunter22")));

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_Request_WrittenToStdinInOsbuildKeyOrder()
    {
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "echo-request", $"cat > '{scratch.Combine("request")}'; echo '{{}}'");

        JValue reply = await new SourceProgramRunner(TextWriter.Null).RunAsync(program, "org.example.echo",
            Parse("""{"urls": {"b": "2", "a": "1"}}"""), JValue.Object.From(("k", new JValue.String("v"))), "/c", "/o", ["sha256:1", "md5:2"], null, Timeout);

        Assert.Equal(JValue.Object.Empty, reply);
        Assert.Equal(
            """{"options": {"urls": {"b": "2", "a": "1"}}, "secrets": {"k": "v"}, "cache": "/c", "output": "/o", "checksums": ["sha256:1", "md5:2"]}""",
            File.ReadAllText(scratch.Combine("request")));
    }

    [Fact]
    public async Task Run_StdoutNotJson_MalformedJsonErrorWithText()
    {
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "garbage", "cat >/dev/null; echo 'this is not json'");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run(program, JValue.Object.Empty));

        Assert.Equal("org.example.test: source returned malformed json: this is not json\n", failure.Message);
        Assert.Equal("org.example.test", failure.SourceName);
    }

    [Fact]
    public async Task Run_CrashWithNothingOnStdout_MalformedJsonErrorAndExitStatusIgnored()
    {
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "crash", "exit 3");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run(program, JValue.Object.Empty));

        Assert.Equal("org.example.test: source returned malformed json: ", failure.Message);
    }

    [Fact]
    public async Task Run_ValidReplyWithFailingExitStatus_ReplyReturned()
    {
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "exit1", "cat >/dev/null; echo '[\"error\", 1]'; exit 1");

        JValue reply = await Run(program, JValue.Object.Empty);

        // An array is never an error reply, even one holding the string "error" (osbuild treats only an object with "error" as a failure).
        Assert.Equal("""["error", 1]""", PythonJson.Compact(reply));
    }

    [Fact]
    public async Task Run_ErrorReplyEchoingSecrets_SecretsRedactedInMessageAndStderr()
    {
        // Given a source that repeats its secrets in its error and on stderr, the key JSON-escaped and raw
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "leaky", """
            request=$(cat)
            key=$(printf '%s' "$request" | sed -e 's/.*"key": "\([^"]*\)".*/\1/')
            echo "password is hunter22" >&2
            printf '%s\n' '-----BEGIN PRIVATE KEY-----' 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg' >&2
            printf '{"error": "bad key %s and password hunter22"}' "$key"
            """);
        var stderr = new StringWriter();

        // When
        var failure = await Assert.ThrowsAsync<SourceFailedException>(() =>
            new SourceProgramRunner(stderr).RunAsync(program, "org.example.test", JValue.Object.Empty, s_secrets, "/c", "/o", [], null, Timeout));

        // Then
        Assert.Equal("org.example.test: bad key *** and password ***", failure.Message);
        Assert.DoesNotContain("hunter22", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MIGHAgEAMBMGByqGSM49AwEHBG0wawIBAQQg", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("password is ***", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MalformedReplyQuotingSecrets_SecretsRedacted()
    {
        // Given osbuild's dnf quirk: an error object and then the array with the secrets
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "twice", """
            cat >/dev/null
            echo '{"error": "repo x is missing baseurl"}'
            printf '%s\n' '[{"sslclientkey": "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"}]'
            """);

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run(program, s_secrets));

        Assert.StartsWith("org.example.test: source returned malformed json: {\"error\": \"repo x is missing baseurl\"}", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MIGHAgEAMBMGByqGSM49AwEHBG0wawIBAQQg", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"sslclientkey\": \"***\"", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Stderr_PassedThroughLineByLine()
    {
        using var scratch = new ScratchDirectory("runner-");
        string program = Script(scratch, "chatty", "cat >/dev/null; echo one >&2; echo two >&2; echo '{}'");
        var stderr = new StringWriter();

        await new SourceProgramRunner(stderr).RunAsync(program, "org.example.test", JValue.Object.Empty, JValue.Object.Empty, "/c", "/o", [], null, Timeout);

        Assert.Equal("one\ntwo\n", stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Run_Cancelled_KillsProgramAndItsChildren()
    {
        // Given a program that started a child and waits
        using var scratch = new ScratchDirectory("runner-");
        string pids = scratch.Combine("pids");
        string program = Script(scratch, "sleeper", $"cat >/dev/null; sleep 1000 & echo $$ $! > '{pids}.tmp'; mv '{pids}.tmp' '{pids}'; wait");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Timeout);
        Task<JValue> run = new SourceProgramRunner(TextWriter.Null).RunAsync(program, "org.example.test", JValue.Object.Empty, JValue.Object.Empty, "/c", "/o", [], null, cancel.Token);
        while (!File.Exists(pids))
        {
            await Task.Delay(20, Timeout);
        }

        // When
        await cancel.CancelAsync();

        // Then
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        foreach (string pid in File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await WaitGoneAsync(int.Parse(pid, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Run_ProgramMissing_SourceFailedNamingPath()
    {
        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => Run("/nonexistent/org.example.test", JValue.Object.Empty));

        Assert.StartsWith("org.example.test: cannot run the sources program /nonexistent/org.example.test:", failure.Message, StringComparison.Ordinal);
    }

    private static Task<JValue> Run(string program, JValue secrets)
        => new SourceProgramRunner(TextWriter.Null).RunAsync(program, "org.example.test", JValue.Object.Empty, secrets, "/c", "/o", [], null, Timeout);

    private static string Script(ScratchDirectory scratch, string name, string body)
    {
        string path = scratch.Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Waits until <paramref name="pid"/> is gone or a zombie (killed, not yet reaped by its parent).</summary>
    private static async Task WaitGoneAsync(int pid)
    {
        string stat = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat");
        for (int i = 0; i < 250; i++)
        {
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(')')[^1].TrimStart().StartsWith('Z'))
            {
                return;
            }

            await Task.Delay(20, Timeout);
        }

        Assert.Fail($"process {pid} still runs after the cancellation");
    }
}
