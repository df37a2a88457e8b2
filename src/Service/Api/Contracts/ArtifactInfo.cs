namespace Engine.Service.Api.Contracts;

/// <summary>One file of a build's output: its path below the output directory, size and SHA-256 (hex).</summary>
internal sealed record ArtifactInfo(string Name, long Size, string Sha256);

/// <summary>An artifact as clients see it, with the address to download it from.</summary>
internal sealed record ArtifactLink(string Name, long Size, string Sha256, string Href);
