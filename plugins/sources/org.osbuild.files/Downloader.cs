using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// Fetches one URL (http, https or file) into a <see cref="StagedFile"/>, hashing the bytes as they
/// arrive so that verifying costs no second read. Transient failures (no connection, a connection
/// cut mid-body, a stalled server, HTTP 408/429/5xx) are retried up to <see cref="Attempts"/> times
/// in all, like the reference's three curl runs; other HTTP errors and local file errors are final.
/// One instance serves all parallel downloads of a run (one connection pool).
/// </summary>
internal sealed class Downloader : IDisposable
{
    public const int Attempts = 3;

    /// <summary>A server that sends nothing for this long is treated as a dropped connection.</summary>
    private static readonly TimeSpan s_stallTimeout = TimeSpan.FromSeconds(60);

    private const int BufferSize = 256 * 1024;

    private readonly HttpClient _client;
    private readonly DownloadProgress _progress;

    public Downloader(TlsSecrets tls, DownloadProgress progress)
    {
        _progress = progress;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 20,
            // The checksum is over the bytes as served: never decode a Content-Encoding.
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            SslOptions = tls.ToClientOptions(),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("osbuild-builtin/1");
    }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="target"/> and returns the hex digest of what arrived.</summary>
    /// <exception cref="PluginFailedException">All attempts failed, or a final error.</exception>
    public async Task<string> DownloadAsync(string url, FileChecksum checksum, StagedFile target, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https" or "file"))
        {
            throw Failed(url, checksum, "not an absolute http, https or file URL");
        }

        string? lastProblem = null;
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1)
            {
                target.Truncate();
                await Task.Delay(TimeSpan.FromMilliseconds(500 * (attempt - 1)), cancellationToken).ConfigureAwait(false);
            }

            using var hash = checksum.CreateHash();
            long counted = 0;
            bool complete = false;
            try
            {
                if (uri.IsFile)
                {
                    await CopyLocalAsync(uri.LocalPath, target, hash, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CopyHttpAsync(uri, target, hash, bytes => counted += bytes, cancellationToken).ConfigureAwait(false);
                }

                complete = true;
                return Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            catch (FinalException e)
            {
                throw Failed(url, checksum, e.Message);
            }
            catch (TransientException e)
            {
                lastProblem = e.Message;
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                lastProblem = ErrorText.ForHttp(e.HttpRequestError, uri, e);
            }
            catch (HttpIOException e) when (!uri.IsFile)
            {
                lastProblem = $"connection lost after {counted} bytes: {ErrorText.ForHttp(e.HttpRequestError, uri, e)}";
            }
            catch (IOException e) when (!uri.IsFile)
            {
                lastProblem = $"connection lost after {counted} bytes: {ErrorText.External(e) ?? "I/O error"}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = string.Create(CultureInfo.InvariantCulture, $"no data for {s_stallTimeout.TotalSeconds} s after {counted} bytes");
            }
            catch (Exception e) when (uri.IsFile && e is IOException or UnauthorizedAccessException)
            {
                throw Failed(url, checksum, ErrorText.ForFile(e, uri.LocalPath));
            }
            finally
            {
                if (!complete)
                {
                    // Keep the figures honest across retries: what a failed attempt counted is undone.
                    _progress.AddDone(-counted);
                }
            }
        }

        throw Failed(url, checksum, $"{lastProblem} ({Attempts} attempts)");
    }

    private async Task CopyHttpAsync(Uri uri, StagedFile target, IncrementalHash hash, Action<long> count, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(s_stallTimeout);
        using HttpResponseMessage response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            int status = (int)response.StatusCode;
            string text = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {response.ReasonPhrase}");
            if (status is 408 or 429 || status >= 500)
            {
                throw new TransientException(text);
            }

            throw new FinalException(text);
        }

        long? expected = response.Content.Headers.ContentLength;
        if (expected is long length)
        {
            _progress.AddExpected(length);
        }

        bool complete = false;
        try
        {
            await using Stream body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
            byte[] buffer = new byte[BufferSize];
            long offset = 0;
            while (true)
            {
                stall.CancelAfter(s_stallTimeout);
                int read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                await WriteAsync(target, buffer.AsMemory(0, read), offset, cancellationToken).ConfigureAwait(false);
                offset += read;
                count(read);
                _progress.AddDone(read);
            }

            complete = true;
        }
        finally
        {
            if (!complete && expected is long length2)
            {
                // the next attempt announces the length again
                _progress.AddExpected(-length2);
            }
        }
    }

    private async Task CopyLocalAsync(string path, StagedFile target, IncrementalHash hash, CancellationToken cancellationToken)
    {
        using var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        byte[] buffer = new byte[BufferSize];
        long offset = 0;
        while (true)
        {
            int read = await RandomAccess.ReadAsync(source, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            await WriteAsync(target, buffer.AsMemory(0, read), offset, cancellationToken).ConfigureAwait(false);
            offset += read;
        }
    }

    /// <summary>A failed write to the cache (a full disk) is final: it must not pass for a network error and be retried.</summary>
    private static async Task WriteAsync(StagedFile target, ReadOnlyMemory<byte> bytes, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(target.Handle, bytes, offset, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new FinalException($"cannot write into the cache directory: {ErrorText.External(e) ?? "I/O error"}");
        }
    }

    private static PluginFailedException Failed(string url, FileChecksum checksum, string problem)
        => new($"error downloading {url} (for {checksum.Text}): {problem}");

    public void Dispose() => _client.Dispose();

    /// <summary>A failure worth another attempt.</summary>
    private sealed class TransientException(string message) : Exception(message);

    /// <summary>A failure that another attempt would only repeat (HTTP 404 and the like).</summary>
    private sealed class FinalException(string message) : Exception(message);
}
