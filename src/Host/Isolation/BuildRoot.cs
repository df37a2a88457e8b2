namespace Engine.Host.Isolation;

/// <summary>
/// The file system a plugin runs on: the host's root (runner org.osbuild.host without a build
/// pipeline) or the committed tree of a build pipeline. Only its <c>/usr</c> and the top-level
/// library and binary directories are used, read-only; everything else in the container is private.
/// </summary>
/// <param name="Path">Host path of the root ("/" for the host).</param>
/// <param name="IsHost">True when the build root is the machine the engine runs on.</param>
public sealed record BuildRoot(string Path, bool IsHost)
{
    public static readonly BuildRoot Host = new("/", true);

    /// <summary>
    /// Files and directories of the build root's <c>/etc</c> that programs cannot work without, so
    /// they are bound read-only into the otherwise empty private <c>/etc</c>: the loader cache
    /// (Debian's multi-arch libraries are not on the loader's default path), the alternatives
    /// symlinks that many commands in /usr/bin point into, account names, CA certificates.
    /// </summary>
    public static readonly IReadOnlyList<string> EtcEntries =
    [
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "passwd", "group",
        "ssl", "pki", "ca-certificates", "crypto-policies", "os-release", "login.defs", "mke2fs.conf", "apt",
    ];

    /// <summary>Top-level entries of the root that make up the programs and libraries.</summary>
    public static readonly IReadOnlyList<string> ProgramEntries = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];
}
