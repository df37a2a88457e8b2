namespace Engine.Protocol;

/// <summary>Values the host and every plugin agree on before any message is exchanged.</summary>
public static class ProtocolConstants
{
    /// <summary>
    /// The protocol version spoken on fd 3. The host exports it in <see cref="VersionEnvironmentVariable"/>
    /// and refuses a plugin whose meta file declares another one.
    /// </summary>
    public const int Version = 1;

    /// <summary>Environment variable that carries the number of the RPC descriptor (always 3).</summary>
    public const string RpcFdEnvironmentVariable = "OSBUILD_RPC_FD";

    /// <summary>Environment variable that carries <see cref="Version"/>.</summary>
    public const string VersionEnvironmentVariable = "OSBUILD_PROTOCOL_VERSION";

    /// <summary>The descriptor number of the RPC channel inside the container.</summary>
    public const int RpcFd = 3;
}
