namespace Engine.Service.Configuration;

/// <summary>
/// Where Hangfire keeps the queue. Without a PostgreSQL connection string the queue lives in the
/// process (Hangfire.InMemory): one machine, API and worker in one process. After a restart the API
/// queues again every build it has not finished (its records are files, see BuildRepository).
/// </summary>
/// <param name="PostgresConnectionString">Npgsql connection string shared by the API and every worker.</param>
/// <param name="InvisibilityTimeout">
/// How long a fetched job stays invisible to other workers without a keep-alive. Workers renew it
/// every fifth of this while they build, so it bounds how long a job of a killed worker waits before
/// another worker takes it, not how long a build may run.
/// </param>
internal sealed record StorageSettings(string? PostgresConnectionString, TimeSpan InvisibilityTimeout)
{
    public bool IsEmbedded => PostgresConnectionString is null;
}
