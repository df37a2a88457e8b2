using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Engine.Integration.Tests.Sources;

/// <summary>What <see cref="TestHttpServer"/> answers for one request.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="Body">The body; ignored when <see cref="WriteBody"/> is set.</param>
[SupportedOSPlatform("linux")]
internal sealed record TestResponse(int Status, byte[] Body)
{
    /// <summary>Extra headers, e.g. Location.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Writes the body itself (slowly, or cut short); <see cref="ContentLength"/> is announced.</summary>
    public Func<Stream, CancellationToken, Task>? WriteBody { get; init; }

    public long ContentLength { get; init; } = -1;

    public static TestResponse NotFound() => new(404, Encoding.ASCII.GetBytes("not found\n"));
}

/// <summary>
/// A small real HTTP/1.1 server on 127.0.0.1 (a free port), optionally with TLS and a required
/// client certificate, so the files source is tested over real sockets. It serves files below a root
/// directory (404 otherwise), unless a route for the path says otherwise; routes see how often their
/// path was requested, which makes retries and cache hits observable. Keep-alive is supported because
/// HttpClient pools connections. The test owns the lifetime: <see cref="DisposeAsync"/> stops it.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string? _root;
    private readonly X509Certificate2? _serverCertificate;
    private readonly Func<X509Certificate2?, bool>? _acceptClient;
    private readonly ConcurrentDictionary<string, Func<int, TestResponse>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    /// <param name="root">Directory served for paths without a route.</param>
    /// <param name="serverCertificate">Serve https with this certificate (with key).</param>
    /// <param name="acceptClient">With TLS: require a client certificate and accept it when this says so.</param>
    public TestHttpServer(string? root = null, X509Certificate2? serverCertificate = null, Func<X509Certificate2?, bool>? acceptClient = null)
    {
        _root = root;
        _serverCertificate = serverCertificate;
        _acceptClient = acceptClient;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => string.Create(CultureInfo.InvariantCulture, $"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{Port}/");

    /// <summary>Answers requests for <paramref name="path"/> (e.g. "/slow") with the handler; its argument is the request's number, from 1.</summary>
    public void Map(string path, Func<int, TestResponse> handler) => _routes[path] = handler;

    /// <summary>How many requests for <paramref name="path"/> arrived.</summary>
    public int Hits(string path) => _hits.TryGetValue(path, out int n) ? n : 0;

    /// <summary>All requests, any path.</summary>
    public int TotalHits => _hits.Values.Sum();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _connections.Add(Task.Run(() => ServeConnectionAsync(client)));
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (_serverCertificate is not null)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _serverCertificate,
                        ClientCertificateRequired = _acceptClient is not null,
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                            _acceptClient is null || _acceptClient(certificate as X509Certificate2),
                    }, _stop.Token);
                    stream = ssl;
                }

                await using (stream)
                {
                    while (await ReadRequestPathAsync(stream, _stop.Token) is string path)
                    {
                        int hit = _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
                        TestResponse response = _routes.TryGetValue(path, out var handler) ? handler(hit) : ServeFile(path);
                        await WriteResponseAsync(stream, response, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException
                or System.Security.Authentication.AuthenticationException)
            {
                // the client went away, the handshake was refused, or the server is stopping
            }
        }
    }

    private TestResponse ServeFile(string path)
    {
        if (_root is null)
        {
            return TestResponse.NotFound();
        }

        string full = Path.GetFullPath(Path.Combine(_root, Uri.UnescapeDataString(path).TrimStart('/')));
        return full.StartsWith(Path.GetFullPath(_root), StringComparison.Ordinal) && File.Exists(full)
            ? new TestResponse(200, File.ReadAllBytes(full))
            : TestResponse.NotFound();
    }

    /// <summary>Reads one request head; returns its path, or null at the end of the connection.</summary>
    private static async Task<string?> ReadRequestPathAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        string requestLine = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")[0];
        string[] parts = requestLine.Split(' ');
        return parts.Length >= 2 ? parts[1] : "/";
    }

    private static async Task WriteResponseAsync(Stream stream, TestResponse response, CancellationToken cancellationToken)
    {
        long length = response.WriteBody is null ? response.Body.Length : response.ContentLength;
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonPhrase(response.Status)}\r\n");
        if (length >= 0)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
        }

        foreach (var (name, value) in response.Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);
        if (response.WriteBody is not null)
        {
            await response.WriteBody(stream, cancellationToken);
        }
        else
        {
            await stream.WriteAsync(response.Body, cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections);
        _stop.Dispose();
        _listener.Dispose();
    }
}
