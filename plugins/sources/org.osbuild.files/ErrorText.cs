using System.Net.Http;
using System.Net.Sockets;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// Readable reasons for failures. The multi-call binary is built with <c>UseSystemResourceKeys</c>,
/// which replaces .NET's own message texts by their resource keys (e.g.
/// <c>net_http_client_execution_error</c>), so messages shown to users are written here, and only
/// texts that come from outside .NET (strerror via SocketException, OpenSSL) are quoted.
/// </summary>
internal static class ErrorText
{
    /// <summary>Why an HTTP request failed before or while its response arrived.</summary>
    public static string ForHttp(HttpRequestError error, Uri uri, Exception e) => Join(error switch
    {
        HttpRequestError.NameResolutionError => $"cannot resolve host {uri.Host}",
        HttpRequestError.ConnectionError => $"cannot reach {uri.Authority}",
        HttpRequestError.SecureConnectionError => $"TLS handshake with {uri.Authority} failed",
        HttpRequestError.ResponseEnded => uri.Scheme == "https"
            ? $"{uri.Authority} closed the connection before the response was complete (a server that requires a client certificate does so when it gets none or one it does not accept)"
            : $"{uri.Authority} closed the connection before the response was complete",
        HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => $"invalid HTTP response from {uri.Authority}",
        HttpRequestError.ProxyTunnelError => "the proxy refused the tunnel",
        HttpRequestError.UserAuthenticationError => $"{uri.Authority} requires authentication",
        HttpRequestError.ConfigurationLimitExceeded => "the response exceeds a limit (too many redirects, or headers too long)",
        _ => $"the request to {uri.Authority} failed",
    }, External(e));

    /// <summary>Why a local file could not be read or written.</summary>
    public static string ForFile(Exception e, string path) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"no such file: {path}",
        UnauthorizedAccessException => $"permission denied: {path}",
        _ => Join($"I/O error on {path}", External(e)),
    };

    /// <summary>The first message in the chain that comes from the OS or OpenSSL rather than from .NET's resources.</summary>
    public static string? External(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.Message; // strerror(3) text, e.g. "Connection refused"
            }
        }

        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (!LooksLikeResourceKey(current.Message))
            {
                return current.Message;
            }
        }

        return null;
    }

    private static string Join(string what, string? detail) => detail is null ? what : $"{what}: {detail}";

    /// <summary>A key such as <c>IO_FileNotFound_FileName, /x</c> or <c>net_http_client_execution_error</c>.</summary>
    private static bool LooksLikeResourceKey(string message)
    {
        int end = message.IndexOfAny([' ', ',', '(']);
        string first = end < 0 ? message : message[..end];
        return first.Contains('_', StringComparison.Ordinal) && first.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }
}
