using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Engine.Host.Json;
using Engine.Protocol;

namespace Engine.Host.Services.Sources;

/// <summary>
/// Runs one sources program on the host, outside any container (spec/engine.md 8.3 and 9.2): the
/// request <c>{"options", "secrets", "cache", "output", "checksums"}</c> goes to its stdin as
/// Python-style compact JSON, its stdout is read to the end and parsed as one JSON value, its stderr
/// is copied line by line to the writer given to the constructor, and its exit status is ignored
/// (only stdout counts, as in osbuild). A reply that is an object with an <c>error</c> key, or stdout
/// that is not JSON, becomes a <see cref="SourceFailedException"/>.
/// Lifetime: one process per call; cancelling the call kills the program and everything it started
/// (SIGKILL to the whole tree). That is safe for the built-in sources, whose cache and output never
/// show a partial file even under SIGKILL (FilesSourceTests.Fetch_KilledMidDownload_LeavesNoPartialFile).
/// The program gets no RPC channel (no fd 3, and <c>OSBUILD_RPC_FD</c> is removed from its
/// environment), so it reports no progress yet; the rest of the environment is passed on because
/// sources need proxy settings. Secrets go only to the program's stdin: every message this class
/// produces, and every stderr line it copies, is passed through a <see cref="SecretRedactor"/>.
/// </summary>
internal sealed class SourceProgramRunner
{
    /// <summary>A malformed reply is quoted in the error up to this many characters.</summary>
    private const int MaxQuotedReply = 4096;

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
    /// <param name="cancellationToken">Kills the program's process tree.</param>
    /// <returns>The reply: <c>{}</c> for org.osbuild.files, an array of repos for org.osbuild.dnf.</returns>
    /// <exception cref="SourceFailedException">The program failed, replied with an error or with something that is not JSON.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the program has been killed.</exception>
    public async Task<JValue> RunAsync(
        string executablePath,
        string sourceName,
        JValue options,
        JValue secrets,
        string cacheDir,
        string outputDir,
        IReadOnlyList<string> checksums,
        CancellationToken cancellationToken)
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
        string request = PythonJson.Compact(JValue.Object.From(
            ("options", options),
            ("secrets", secrets),
            ("cache", new JValue.String(cacheDir)),
            ("output", new JValue.String(outputDir)),
            ("checksums", new JValue.Array(checksums.Select(c => (JValue)new JValue.String(c)).ToImmutableArray()))));

        using var process = new Process { StartInfo = CreateStartInfo(executablePath) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new SourceFailedException(sourceName, $"cannot run the sources program {executablePath}: {e.Message}", e);
        }

        byte[] stdout;
        using (cancellationToken.Register(() => KillTree(process)))
        {
            Task<byte[]> readStdout = ReadAllAsync(process.StandardOutput.BaseStream);
            Task copyStderr = CopyStderrAsync(process.StandardError, redactor);
            await WriteRequestAsync(process, request).ConfigureAwait(false);
            try
            {
                // The wait, not the reads, observes the token: a grandchild that escaped the kill could
                // keep the pipes open forever.
                await Task.WhenAll(readStdout, copyStderr).WaitAsync(cancellationToken).ConfigureAwait(false);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                throw;
            }

            stdout = await readStdout.ConfigureAwait(false);
        }

        return Interpret(sourceName, stdout, redactor);
    }

    private static ProcessStartInfo CreateStartInfo(string executablePath)
    {
        var startInfo = new ProcessStartInfo(executablePath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        startInfo.Environment.Remove(ProtocolConstants.RpcFdEnvironmentVariable);
        return startInfo;
    }

    private static async Task WriteRequestAsync(Process process, string request)
    {
        try
        {
            await process.StandardInput.WriteAsync(request).ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
            process.StandardInput.Close();
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

    private async Task CopyStderrAsync(StreamReader stderr, SecretRedactor redactor)
    {
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

        // Only an object with "error" is a failure; an array reply never is (spec/engine.md 10.9).
        if (reply is JValue.Object obj && obj["error"] is JValue error)
        {
            string message = error is JValue.String s ? s.Value : PythonJson.Compact(error);
            throw new SourceFailedException(sourceName, redactor.Redact(message));
        }

        return reply;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or AggregateException or Win32Exception)
        {
            // Already exited, or a child vanished while the tree was walked. This runs from a
            // cancellation callback, which must not throw into whoever cancelled.
        }
    }
}
