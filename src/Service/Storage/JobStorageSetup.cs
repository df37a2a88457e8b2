using Engine.Service.Configuration;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;

namespace Engine.Service.Storage;

/// <summary>
/// Hangfire's storage. PostgreSQL when several machines share the work: every worker fetches jobs
/// from the same queue tables, renews the invisibility of the jobs it runs (a sliding timeout kept
/// alive by its server's heartbeat), and a job whose worker died becomes visible again when that
/// renewal stops. Hangfire.InMemory when one process does everything.
/// </summary>
internal static class JobStorageSetup
{
    public static IGlobalConfiguration Configure(IGlobalConfiguration configuration, StorageSettings settings)
    {
        configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        return settings.PostgresConnectionString is { } connection
            ? configuration.UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(connection),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    InvisibilityTimeout = settings.InvisibilityTimeout,
                    UseSlidingInvisibilityTimeout = true,
                    // LISTEN/NOTIFY wakes idle workers when a job is queued; the poll finds jobs that
                    // became visible again (their worker died).
                    EnableLongPolling = true,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    DistributedLockTimeout = TimeSpan.FromMinutes(1),
                })
            : configuration.UseInMemoryStorage(new InMemoryStorageOptions());
    }
}
