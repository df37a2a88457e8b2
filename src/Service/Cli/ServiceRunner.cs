using Engine.Service.Api;
using Engine.Service.Auth;
using Engine.Service.Configuration;
using Engine.Service.Worker;
using Hangfire;

namespace Engine.Service.Cli;

/// <summary>Builds and runs the host of each role: api, worker, or both in one process.</summary>
internal static class ServiceRunner
{
    public static async Task<int> RunApiAsync(ApiSettings settings, CancellationToken cancellationToken)
    {
        TokenRegistry tokens = TokenRegistry.Load(settings.TokensFile);
        WebApplicationBuilder builder = NewWebBuilder();
        ApiComposition.AddApi(builder, settings, tokens);
        await using WebApplication app = builder.Build();
        ApiComposition.MapApi(app, settings);
        app.Logger.LogInformation("osbuild-service api on {Url}: {Tokens} tokens, data in {Data}, PostgreSQL storage", settings.ListenUrl, tokens.Count, settings.DataDirectory);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    public static async Task<int> RunWorkerAsync(WorkerSettings settings, CancellationToken cancellationToken)
    {
        WorkerComposition.Prepare(settings);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        ConfigureLogging(builder.Logging);
        builder.Services.AddHangfire(configuration => Storage.JobStorageSetup.Configure(configuration, settings.Storage));
        WorkerComposition.AddWorker(builder.Services, settings);
        using IHost host = builder.Build();
        host.Services.GetRequiredService<ILogger<WorkerSettings>>().LogInformation(
            "osbuild-service worker {Name}: queues {Queues}, {Concurrency} at once, store {Store}, API {Api}",
            settings.Name, string.Join(",", settings.Queues), settings.Concurrency, settings.StoreDirectory, settings.ApiUrl);
        await host.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// One machine: the API and a worker in one process, the queue in memory. The worker reaches the
    /// API over loopback with a token made at start that never touches the disk.
    /// </summary>
    public static async Task<int> RunAllAsync(ApiSettings api, WorkerSettings worker, CancellationToken cancellationToken)
    {
        TokenRegistry tokens = TokenRegistry.Load(api.TokensFile)
            .With(worker.WorkerToken, new Caller(worker.Name, CallerRole.Worker, PluginPolicy.Everything));
        WorkerComposition.Prepare(worker);
        WebApplicationBuilder builder = NewWebBuilder();
        ApiComposition.AddApi(builder, api, tokens);
        WorkerComposition.AddWorker(builder.Services, worker);
        await using WebApplication app = builder.Build();
        ApiComposition.MapApi(app, api);
        app.Logger.LogInformation("osbuild-service on {Url}: API and worker in one process, store {Store}, data in {Data}", api.ListenUrl, worker.StoreDirectory, api.DataDirectory);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    private static WebApplicationBuilder NewWebBuilder()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        ConfigureLogging(builder.Logging);
        return builder;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Hangfire", LogLevel.Warning);
    }
}
