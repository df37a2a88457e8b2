using System.Net.Http.Headers;
using Engine.Service.Configuration;
using Engine.Service.Jobs;
using Hangfire;

namespace Engine.Service.Worker;

/// <summary>
/// The worker role: a Hangfire server on the given queues with as many workers as concurrent
/// builds, and what a build job needs (the API client, the spawner of osbuild).
/// </summary>
internal static class WorkerComposition
{
    public static void AddWorker(IServiceCollection services, WorkerSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<ChildSpawner>();
        services.AddSingleton<BuildExecutor>();
        services.AddTransient<BuildJob>();
        services.AddHttpClient<WorkerApiClient>(http =>
        {
            http.BaseAddress = new Uri(settings.ApiUrl, "api/worker/v1/");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.WorkerToken);
            http.Timeout = TimeSpan.FromMinutes(30); // artifact uploads of large images
        });
        services.AddHangfireServer(options =>
        {
            options.ServerName = settings.Name;
            options.Queues = [.. settings.Queues];
            options.WorkerCount = settings.Concurrency;
            // How soon a build learns that its job was deleted (cancelled) when no progress report
            // told it first.
            options.CancellationCheckInterval = TimeSpan.FromSeconds(1);
            options.HeartbeatInterval = TimeSpan.FromSeconds(10);
            options.ServerTimeout = TimeSpan.FromMinutes(1);
            options.ServerCheckInterval = TimeSpan.FromSeconds(30);
            // A stopping worker stops its builds with SIGTERM and reports them; osbuild needs a
            // few seconds to clean up.
            options.ShutdownTimeout = TimeSpan.FromSeconds(100);
        });
        services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(110));
    }

    /// <summary>Checks what a worker needs before it takes any job, with what to do when it is missing.</summary>
    public static void Prepare(WorkerSettings settings)
    {
        if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
        {
            throw new ServiceConfigurationException("setpriv is missing: install util-linux (workers start osbuild through it so that osbuild stops when the worker dies)");
        }

        Directory.CreateDirectory(settings.StoreDirectory);
        Directory.CreateDirectory(settings.WorkDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
