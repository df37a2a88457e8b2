namespace Engine.Host.Debian;

/// <summary>One .deb of a resolved closure, as apt's <c>--print-uris</c> names it.</summary>
/// <param name="Url">Where the archive serves it.</param>
/// <param name="FileName">apt's file name (<c>NAME_VERSION_ARCH.deb</c>).</param>
/// <param name="Size">Bytes, from the signed Packages index.</param>
/// <param name="Checksum">SHA-256 from the signed Packages index, as <c>sha256:HEX</c>.</param>
internal sealed record ResolvedDeb(string Url, string FileName, long Size, string Checksum)
{
    /// <summary>The package name: the file name up to the first underscore.</summary>
    public string Package => FileName.Split('_')[0];
}
