namespace Engine.Host.Debian;

/// <summary>What <c>osbuild depsolve-deb</c> resolves.</summary>
/// <param name="Suite">Suite or code name, e.g. bookworm.</param>
/// <param name="Mirror">Archive base URI (http, https or file).</param>
/// <param name="Architecture">Debian architecture, e.g. amd64.</param>
/// <param name="Components">Archive components, e.g. main.</param>
/// <param name="Keyring">The keyring that must have signed the archive's Release file.</param>
/// <param name="Recommends">Whether recommended packages join the closure.</param>
/// <param name="Packages">Package names asked for; the suite's Priority: required set is always added.</param>
/// <param name="ListsDirectory">Where apt keeps the downloaded indexes between runs, or null for a throwaway one.</param>
internal sealed record DepsolveRequest(
    string Suite,
    string Mirror,
    string Architecture,
    IReadOnlyList<string> Components,
    string Keyring,
    bool Recommends,
    IReadOnlyList<string> Packages,
    string? ListsDirectory);
