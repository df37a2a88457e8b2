namespace Engine.Protocol.Sdk;

/// <summary>The host answered a request with a JSON-RPC error.</summary>
/// <param name="code">The error code (see <see cref="ErrorCodes"/>).</param>
/// <param name="method">The method that was called.</param>
/// <param name="message">The host's message.</param>
public sealed class RpcErrorException(int code, string method, string message)
    : Exception($"{method}: {message}")
{
    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; } = code;

    /// <summary>The method that failed.</summary>
    public string Method { get; } = method;

    /// <summary>The host's message, without the method prefix.</summary>
    public string HostMessage { get; } = message;
}
