namespace Engine.Service.Configuration;

/// <summary>What the worker role needs: where the API and the queue are, its store, its queues.</summary>
/// <param name="ApiUrl">Base address of the API (its worker endpoints are under <c>/api/worker/v1</c>).</param>
/// <param name="WorkerToken">Bearer token of the worker endpoints.</param>
/// <param name="Name">Shown in each build's state and in the dashboard's servers.</param>
/// <param name="StoreDirectory">This worker's osbuild store: cached trees are reused across its jobs.</param>
/// <param name="WorkDirectory">Per-job scratch files (sources, secrets), removed after each job.</param>
/// <param name="Queues">The queues this worker takes jobs from, in priority order.</param>
/// <param name="Concurrency">How many builds run at once.</param>
/// <param name="ApiRetryBudget">How long a report to the API is retried while the API is unreachable.</param>
internal sealed record WorkerSettings(
    Uri ApiUrl,
    string WorkerToken,
    string Name,
    string StoreDirectory,
    string WorkDirectory,
    IReadOnlyList<string> Queues,
    int Concurrency,
    TimeSpan ApiRetryBudget,
    EngineCommand Engine,
    StorageSettings Storage);
