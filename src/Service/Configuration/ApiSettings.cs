namespace Engine.Service.Configuration;

/// <summary>What the API role needs: where it keeps builds, who may call it, how it checks manifests.</summary>
/// <param name="DataDirectory">Build records, logs and artifacts (<c>builds/ID/</c>), and generated tokens.</param>
/// <param name="ListenUrl">Kestrel's address, e.g. <c>http://0.0.0.0:8700</c>.</param>
/// <param name="TokensFile">The clients' and workers' token hashes (docs/service.md, "Tokens").</param>
/// <param name="Retention">How long a finished build's record, log and artifacts are kept.</param>
internal sealed record ApiSettings(
    string DataDirectory,
    string ListenUrl,
    string TokensFile,
    TimeSpan Retention,
    EngineCommand Engine,
    StorageSettings Storage);
