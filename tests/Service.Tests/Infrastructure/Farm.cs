using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Engine.Service.Tests.Infrastructure;

/// <summary>
/// A build farm on loopback, shared by the tests of the "farm" collection: a PostgreSQL server of
/// its own, one API and two workers (w1, w2), each worker with its own store, all separate
/// processes of the real osbuild-service running the installed osbuild. Workers give up a killed
/// worker's job after 10 s (--invisibility-timeout), so failover fits in a test.
/// </summary>
public sealed class Farm : IAsyncLifetime
{
    public const string ClientToken = "client-token-of-the-farm-tests";
    public const string RestrictedToken = "restricted-client-token-of-the-farm-tests";
    public const string WorkerToken = "worker-token-of-the-farm-tests";
    public static readonly string[] WorkerNames = ["w1", "w2"];

    private readonly Dictionary<string, ServiceProcess> _workers = new(StringComparer.Ordinal);
    private Scratch? _scratch;
    private ServiceProcess? _api;
    private int _apiPort;

    /// <summary>Why the farm could not start here (each test skips with it), or null.</summary>
    public string? Unavailable { get; private set; }

    internal PostgresServer Database { get; private set; } = null!;

    internal ServiceClient Client { get; private set; } = null!;

    internal ServiceClient Restricted { get; private set; } = null!;

    internal ServiceClient Anonymous { get; private set; } = null!;

    internal string ApiData => _scratch!.Sub("api");

    internal string StoreOf(string worker) => _scratch!.Sub(worker, "store");

    internal ServiceProcess Api => _api!;

    internal ServiceProcess Worker(string name) => _workers[name];

    /// <summary>The output of every process, for the message of a failing assertion.</summary>
    internal string Logs()
        => string.Join("\n", new[] { _api }.Concat(_workers.Values).Where(p => p is not null).Select(p => $"==== {p!.Name} ====\n{Tail(p.Output)}"));

    public async ValueTask InitializeAsync()
    {
        Unavailable = Machine.MissingForBuilds() ?? PostgresServer.Missing();
        if (Unavailable is not null)
        {
            return;
        }

        Database = PostgresServer.Start();
        _scratch = new Scratch("farm");
        _apiPort = Machine.FreePort();
        await File.WriteAllTextAsync(_scratch.Sub("tokens.json"), $$"""
            {
              "clients": [
                { "name": "ci", "sha256": "{{Hash(ClientToken)}}" },
                { "name": "restricted", "sha256": "{{Hash(RestrictedToken)}}",
                  "allow_plugins": ["org.osbuild.*", "org.test.sleep"],
                  "deny_plugins": ["org.osbuild.script", "org.osbuild.debug-shell"] }
              ],
              "workers": [ { "name": "farm", "sha256": "{{Hash(WorkerToken)}}" } ]
            }
            """);
        await File.WriteAllTextAsync(_scratch.Sub("worker-token"), WorkerToken + "\n");
        var baseAddress = new Uri($"http://127.0.0.1:{_apiPort.ToString(CultureInfo.InvariantCulture)}/");
        Client = new ServiceClient(baseAddress, ClientToken);
        Restricted = new ServiceClient(baseAddress, RestrictedToken);
        Anonymous = new ServiceClient(baseAddress, null);
        await StartApiAsync();
        foreach (string name in WorkerNames)
        {
            await StartWorkerAsync(name);
        }
    }

    internal async Task StartApiAsync()
    {
        _api?.Dispose();
        _api = new ServiceProcess("api",
        [
            "api", "--data", ApiData, "--listen", $"http://127.0.0.1:{_apiPort.ToString(CultureInfo.InvariantCulture)}",
            "--tokens", _scratch!.Sub("tokens.json"), "--postgres", Database.ConnectionString,
            "--osbuild", Machine.Osbuild, "--plugin-path", Machine.Plugins,
        ]);
        await _api.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
    }

    internal async Task StartWorkerAsync(string name)
    {
        if (_workers.Remove(name, out ServiceProcess? old))
        {
            old.Dispose();
        }

        var worker = new ServiceProcess(name,
        [
            "worker", "--api", Client.BaseAddress.ToString(), "--token-file", _scratch!.Sub("worker-token"),
            "--postgres", Database.ConnectionString, "--store", StoreOf(name), "--work-dir", _scratch.Sub(name, "work"),
            "--name", name, "--osbuild", Machine.Osbuild, "--plugin-path", Machine.Plugins, "--invisibility-timeout", "10s",
        ]);
        _workers[name] = worker;
        await worker.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60));
    }

    public ValueTask DisposeAsync()
    {
        foreach (ServiceProcess worker in _workers.Values)
        {
            worker.Dispose();
        }

        _api?.Dispose();
        Client?.Dispose();
        Restricted?.Dispose();
        Anonymous?.Dispose();
        if (Unavailable is null)
        {
            Database.Dispose();
            _scratch?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}

[CollectionDefinition("farm")]
public sealed class FarmCollection : ICollectionFixture<Farm>;
