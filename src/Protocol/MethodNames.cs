namespace Engine.Protocol;

/// <summary>JSON-RPC method names; they are the protocol and match docs/protocol.md.</summary>
public static class MethodNames
{
    /// <summary>Request: fetch content by checksum through a source on the host.</summary>
    public const string SourcesGet = "sources.get";

    /// <summary>Request: bind a loop device to a file the plugin can see.</summary>
    public const string LoopAttach = "loop.attach";

    /// <summary>Request: detach a loop device obtained with <see cref="LoopAttach"/>.</summary>
    public const string LoopDetach = "loop.detach";

    /// <summary>Notification: progress of the running plugin.</summary>
    public const string Progress = "progress";

    /// <summary>Notification: one structured log line.</summary>
    public const string Log = "log";
}
