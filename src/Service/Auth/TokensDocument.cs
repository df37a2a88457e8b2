namespace Engine.Service.Auth;

/// <summary>
/// The tokens file (<c>--tokens</c>): who may call the API. Tokens are kept as SHA-256 hashes (hex of
/// the token's UTF-8 bytes: <c>printf %s "$TOKEN" | sha256sum</c>), so the file reveals none.
/// </summary>
internal sealed record TokensDocument(IReadOnlyList<ClientTokenEntry>? Clients, IReadOnlyList<WorkerTokenEntry>? Workers);

/// <summary>
/// A client: submits and reads builds. <c>AllowPlugins</c> (default: every plugin) and
/// <c>DenyPlugins</c> (default: none) are names or prefixes ending in <c>*</c>; a manifest naming a
/// plugin outside them is refused with 403 before it is queued.
/// </summary>
internal sealed record ClientTokenEntry(string? Name, string? Sha256, IReadOnlyList<string>? AllowPlugins, IReadOnlyList<string>? DenyPlugins);

/// <summary>A worker: reports progress, uploads artifacts. Cannot submit or read builds.</summary>
internal sealed record WorkerTokenEntry(string? Name, string? Sha256);
