using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Engine.Host.Json;
using Engine.Host.Plugins;
using Engine.Protocol;
using Engine.Native;

namespace Engine.Host.Services.Sources;

/// <summary>
/// Runs one sources program on the host, outside any container (docs/protocol.md §5): the
/// request <c>{"options", "secrets", "cache", "output", "checksums"}</c> goes to its stdin as
/// Python-style compact JSON, its stdout is read to the end and parsed as one JSON value, its stderr
/// is copied line by line to the writer given to the constructor, and its exit status is ignored
/// (only stdout counts, as in osbuild). A reply that is an object with an <c>error</c> key, or stdout
/// that is not JSON, becomes a <see cref="SourceFailedException"/>.
/// The program also gets an RPC channel, as a stage does (docs/protocol.md 5): fd 3 with
/// <c>OSBUILD_RPC_FD=3</c> and <c>OSBUILD_PROTOCOL_VERSION</c>, served by <see cref="PluginChannel"/>
/// with <see cref="SourceChannelServices"/>, so its <c>progress</c> and <c>log</c> notifications reach
/// whoever asked for the files, and its requests are refused. A program that ignores fd 3 works as
/// before. One that writes something on fd 3 that is not JSON-RPC fails, as a stage would: with its
/// own error when its reply is one, else with a <see cref="SourceFailedException"/> saying that fd 3
/// is only for JSON-RPC, even if the reply was good (the channel broke, so its progress was lost,
/// and a program that garbles one output is not trusted with the other). The rest of the host's
/// environment is passed on because sources need proxy settings.
/// Lifetime: one process per call; cancelling the call kills the program and everything it started
/// (SIGKILL to the whole tree and to its process group, <see cref="SourceProcess.Kill"/>). That is
/// safe for the built-in sources, whose cache and output never show a partial file even under
/// SIGKILL (FilesSourceTests.Fetch_KilledMidDownload_LeavesNoPartialFile).
/// Secrets go only to the program's stdin: every message this class produces, and every stderr line
/// it copies, is passed through a <see cref="SecretRedactor"/>.
/// </summary>
internal sealed class SourceProgramRunner
{
    /// <summary>A malformed reply is quoted in the error up to this many characters.</summary>
    private const int MaxQuotedReply = 4096;

    /// <summary>How long fd 3 may stay open after the program exited before the host stops reading it.</summary>
    private static readonly TimeSpan s_channelDrainLimit = TimeSpan.FromSeconds(5);

    private readonly TextWriter _stderr;

    /// <param name="stderr">Receives the program's stderr, one line per write; it must be safe to
    /// use from another thread (Console.Error is; wrap others with <see cref="TextWriter.Synchronized"/>).</param>
    public SourceProgramRunner(TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        _stderr = stderr;
    }

    /// <summary>Runs <paramref name="executablePath"/> for one request and returns its reply.</summary>
    /// <param name="executablePath">The program, e.g. <c>&lt;libdir&gt;/sources/org.osbuild.files</c>; for the
    /// multi-call binary this is a symlink named after the source, as in the installed tree.</param>
    /// <param name="sourceName">The source's name, for messages.</param>
    /// <param name="options">The source's configuration entry (<c>{}</c> when there is none).</param>
    /// <param name="secrets">The source's secrets entry (<c>{}</c> when there is none).</param>
    /// <param name="cacheDir">Persistent cache; the program creates it if needed.</param>
    /// <param name="outputDir">Where the stage will find the files; the program creates it if needed.</param>
    /// <param name="checksums">What the stage asked for.</param>
    /// <param name="channelServices">Receives the program's progress and log notifications from fd 3;
    /// null drops them (the program still gets fd 3).</param>
    /// <param name="cancellationToken">Kills the program's process tree.</param>
    /// <param name="arguments">Arguments after argv[0]; sources programs get none.</param>
    /// <returns>The reply: <c>{}</c> for org.osbuild.files, an array of repos for org.osbuild.dnf.</returns>
    /// <exception cref="SourceFailedException">The program failed, replied with an error or with something
    /// that is not JSON, or wrote something on fd 3 that is not JSON-RPC.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the program has been killed.</exception>
    public async Task<JValue> RunAsync(
        string executablePath,
        string sourceName,
        JValue options,
        JValue secrets,
        string cacheDir,
        string outputDir,
        IReadOnlyList<string> checksums,
        SourceChannelServices? channelServices,
        CancellationToken cancellationToken,
        IReadOnlyList<string>? arguments = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(executablePath);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentException.ThrowIfNullOrEmpty(cacheDir);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        ArgumentNullException.ThrowIfNull(checksums);
        cancellationToken.ThrowIfCancellationRequested();

        var redactor = new SecretRedactor(secrets);
        string request = new SourceArguments(
            JValueConversion.ToElement(options), JValueConversion.ToElement(secrets), cacheDir, outputDir, checksums).ToJson();

        SourceProcess process;
        try
        {
            process = SourceProcess.Start(executablePath, arguments);
        }
        catch (NativeException e)
        {
            throw new SourceFailedException(sourceName, string.Create(CultureInfo.InvariantCulture,
                $"cannot run the sources program {executablePath}: {Marshal.GetPInvokeErrorMessage(e.Errno)} (errno {e.Errno}); it must be an executable file, and a script's #! interpreter must exist"), e);
        }

        byte[] stdout;
        string? channelFailure;
        await using (process.ConfigureAwait(false))
        {
            PluginChannel channel = PluginChannel.Serve(
                process.Channel,
                channelServices ?? SourceChannelServices.Discarding(sourceName),
                SourceChannelServices.Context(sourceName, executablePath));
            try
            {
                stdout = await ExchangeAsync(process, channel, request, redactor, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            channelFailure = channel.Failure;
        }

        JValue reply = Interpret(sourceName, stdout, redactor);
        if (channelFailure is not null)
        {
            throw new SourceFailedException(sourceName, redactor.Redact(channelFailure));
        }

        return reply;
    }

    /// <summary>Writes the request, copies stderr, and returns stdout once the program has exited and
    /// fd 3 has been read to its end.</summary>
    private async Task<byte[]> ExchangeAsync(SourceProcess process, PluginChannel channel, string request, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(process.Kill))
        {
            Task<byte[]> readStdout = ReadAllAsync(process.StandardOutput);
            Task copyStderr = CopyStderrAsync(process.StandardError, redactor);
            try
            {
                await WriteRequestAsync(process.StandardInput, request).ConfigureAwait(false);

                // The waits, not the reads, observe the token: a grandchild that escaped the kill could
                // keep the pipes open forever.
                await Task.WhenAll(readStdout, copyStderr).WaitAsync(cancellationToken).ConfigureAwait(false);
                await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);

                // Read fd 3 to its end, so that the last progress and any garbage sent just before the
                // exit are not missed. Bounded: something the program left running may hold fd 3
                // without holding stdout; what it sends later is not read.
                await channel.Completion.WaitAsync(s_channelDrainLimit, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch
            {
                // Cancelled, or stdout or stderr failed us: the program's answer is lost either way.
                process.Kill();
                throw;
            }

            return await readStdout.ConfigureAwait(false);
        }
    }

    private static async Task WriteRequestAsync(Stream stdin, string request)
    {
        try
        {
            await using (stdin.ConfigureAwait(false))
            {
                await stdin.WriteAsync(new UTF8Encoding(false).GetBytes(request)).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The program exited without reading its request (EPIPE); its stdout says why.
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private async Task CopyStderrAsync(Stream stream, SecretRedactor redactor)
    {
        using var stderr = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        while (await stderr.ReadLineAsync().ConfigureAwait(false) is string line)
        {
            await _stderr.WriteLineAsync(redactor.Redact(line)).ConfigureAwait(false);
        }

        await _stderr.FlushAsync().ConfigureAwait(false);
    }

    private static JValue Interpret(string sourceName, byte[] stdout, SecretRedactor redactor)
    {
        JValue reply;
        try
        {
            reply = JsonTextParser.Parse(stdout, $"stdout of {sourceName}");
        }
        catch (JsonInputException)
        {
            string text = Encoding.UTF8.GetString(stdout);
            if (text.Length > MaxQuotedReply)
            {
                text = string.Create(CultureInfo.InvariantCulture, $"{text[..MaxQuotedReply]}… ({stdout.Length} bytes in all)");
            }

            throw new SourceFailedException(sourceName, redactor.Redact($"source returned malformed json: {text}"));
        }

        // Only an object with "error" is a failure; an array reply never is (osbuild treats only an object with "error" as a failure).
        if (reply is JValue.Object obj && obj["error"] is JValue error)
        {
            string message = error is JValue.String s ? s.Value : PythonJson.Compact(error);
            throw new SourceFailedException(sourceName, redactor.Redact(message));
        }

        return reply;
    }
}
