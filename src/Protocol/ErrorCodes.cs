namespace Engine.Protocol;

/// <summary>
/// Application error codes of JSON-RPC error responses. They lie outside -32768..-32000, which
/// JSON-RPC reserves for itself.
/// </summary>
public enum ErrorCodes
{
    /// <summary>The source named in the request is not installed.</summary>
    UnknownSource = 1001,

    /// <summary>The source ran and reported an error; the message is the source's.</summary>
    SourceFailed = 1002,

    /// <summary>The request's parameters are invalid (missing field, path outside the sandbox, …).</summary>
    InvalidRequest = 1003,

    /// <summary>No loop device could be attached or detached.</summary>
    LoopFailed = 1004,

    /// <summary>The method exists but is not offered to this kind of plugin.</summary>
    NotAvailable = 1005,
}
