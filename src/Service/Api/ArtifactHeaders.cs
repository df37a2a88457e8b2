namespace Engine.Service.Api;

/// <summary>Headers that carry an artifact's checksum, on upload (worker) and download (client).</summary>
internal static class ArtifactHeaders
{
    /// <summary>The SHA-256 of the whole file, 64 lower-case hex digits (what sha256sum prints).</summary>
    public const string Sha256 = "X-Checksum-Sha256";

    /// <summary>RFC 9530's digest of the whole representation, also on range answers: <c>sha-256=:BASE64:</c>.</summary>
    public const string ReprDigest = "Repr-Digest";
}
