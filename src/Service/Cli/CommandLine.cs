using System.CommandLine;
using System.CommandLine.Parsing;
using Engine.Service.Auth;
using Engine.Service.Configuration;
using Engine.Service.Jobs;

namespace Engine.Service.Cli;

/// <summary>
/// osbuild-service's command line. Without a command: the API and a worker in one process with the
/// queue in memory (one machine). <c>api</c> and <c>worker</c>: the two roles of a build farm, which
/// share the queue through PostgreSQL.
/// </summary>
internal static class CommandLine
{
    private const string DefaultData = "/var/lib/osbuild-service";
    private const string PostgresVariable = "OSBUILD_SERVICE_POSTGRES";

    public static RootCommand Build()
    {
        // Options of every role.
        var osbuild = new Option<string>("--osbuild") { Description = "the installed osbuild command", DefaultValueFactory = _ => "osbuild", HelpName = "PROGRAM" };
        var libdir = new Option<string?>("--libdir") { Description = "osbuild's --libdir (built-in plugin root)", HelpName = "DIRECTORY" };
        var pluginPath = new Option<string[]>("--plugin-path") { Description = "osbuild's --plugin-path (repeatable); the API and the workers need the same plugins", HelpName = "DIRECTORY" };
        var data = new Option<string>("--data") { Description = "the API's builds, logs and artifacts", DefaultValueFactory = _ => DefaultData, HelpName = "DIRECTORY" };
        var listen = new Option<string>("--listen") { Description = "the API's address", DefaultValueFactory = _ => "http://127.0.0.1:8700", HelpName = "URL" };
        var retention = new Option<string>("--retention") { Description = "how long finished builds (record, log, artifacts) are kept: 30m, 12h, 14d", DefaultValueFactory = _ => "14d", HelpName = "DURATION" };
        var postgres = new Option<string?>("--postgres") { Description = $"Npgsql connection string of the shared queue (or ${PostgresVariable})", HelpName = "CONNECTION" };
        var invisibility = new Option<string>("--invisibility-timeout") { Description = "how soon the job of a dead worker goes to another worker", DefaultValueFactory = _ => "5m", HelpName = "DURATION" };
        var store = new Option<string?>("--store") { Description = "the worker's osbuild store (cached trees are reused across its jobs)", HelpName = "DIRECTORY" };
        var workDir = new Option<string?>("--work-dir") { Description = "per-job scratch files of the worker (default: DATA/work or STORE/../work)", HelpName = "DIRECTORY" };
        var queues = new Option<string>("--queues") { Description = "queues the worker takes jobs from, comma-separated, by priority", DefaultValueFactory = _ => QueueNames.Default, HelpName = "NAMES" };
        var concurrency = new Option<int>("--concurrency") { Description = "builds the worker runs at once", DefaultValueFactory = _ => 1, HelpName = "N" };
        var name = new Option<string>("--name") { Description = "the worker's name in build states and the dashboard", DefaultValueFactory = _ => Environment.MachineName, HelpName = "NAME" };
        var apiRetry = new Option<string>("--api-retry") { Description = "how long a worker retries a report while the API is unreachable", DefaultValueFactory = _ => "10m", HelpName = "DURATION" };
        var tokens = new Option<string?>("--tokens") { Description = "the tokens file (client and worker token hashes, plugin allow-lists)", HelpName = "FILE" };

        var root = new RootCommand("osbuild-service: a build service that runs the installed osbuild on queued manifests. Without a command, the API and one worker run in one process with the queue in memory.")
        {
            osbuild, libdir, pluginPath, data, listen, retention, store, workDir, queues, concurrency, name, tokens,
        };
        root.SetAction((result, cancellationToken) => Run(result, errors =>
        {
            EngineCommand engine = Engine(result, osbuild, libdir, pluginPath);
            string dataDirectory = Path.GetFullPath(result.GetValue(data)!);
            Directory.CreateDirectory(dataDirectory);
            var storage = new StorageSettings(null, TimeSpan.FromMinutes(5));
            string tokensFile = result.GetValue(tokens) ?? LocalTokens.EnsureFile(dataDirectory);
            string listenUrl = result.GetValue(listen)!;
            var apiSettings = new ApiSettings(dataDirectory, listenUrl, tokensFile, Duration(result, retention, errors), engine, storage);
            string storeDirectory = Path.GetFullPath(result.GetValue(store) ?? Path.Combine(dataDirectory, "store"));
            var workerSettings = new WorkerSettings(
                LocalTokens.LoopbackUrl(listenUrl), TokenRegistry.NewToken(), result.GetValue(name)!, storeDirectory,
                Path.GetFullPath(result.GetValue(workDir) ?? Path.Combine(dataDirectory, "work")),
                Queues(result, queues, errors), Concurrency(result, concurrency, errors), TimeSpan.FromMinutes(10), engine, storage);
            return errors.Count > 0 ? Task.FromResult(2) : ServiceRunner.RunAllAsync(apiSettings, workerSettings, cancellationToken);
        }));

        var api = new Command("api", "the API: takes submissions, checks them with osbuild --check, queues them in PostgreSQL, keeps logs and artifacts, serves the dashboard")
        {
            osbuild, libdir, pluginPath, data, listen, retention, postgres, tokens,
        };
        api.SetAction((result, cancellationToken) => Run(result, errors =>
        {
            string? tokensFile = result.GetValue(tokens);
            if (tokensFile is null)
            {
                errors.Add("--tokens is required for the api role: it lists the client and worker tokens (docs/service.md, \"Tokens\")");
            }

            var settings = new ApiSettings(
                Path.GetFullPath(result.GetValue(data)!), result.GetValue(listen)!, tokensFile ?? "", Duration(result, retention, errors),
                Engine(result, osbuild, libdir, pluginPath), Storage(result, postgres, null, errors, "api"));
            Directory.CreateDirectory(settings.DataDirectory);
            return errors.Count > 0 ? Task.FromResult(2) : ServiceRunner.RunApiAsync(settings, cancellationToken);
        }));

        var apiUrl = new Option<string?>("--api") { Description = "the API's base address, e.g. http://api.example:8700/", HelpName = "URL" };
        var tokenFile = new Option<string?>("--token-file") { Description = "file holding this worker's token (a \"workers\" entry of the API's tokens file)", HelpName = "FILE" };
        var worker = new Command("worker", "a worker: takes jobs of its queues from PostgreSQL and runs osbuild on its own store, reporting to the API")
        {
            osbuild, libdir, pluginPath, postgres, invisibility, apiUrl, tokenFile, store, workDir, queues, concurrency, name, apiRetry,
        };
        worker.SetAction((result, cancellationToken) => Run(result, errors =>
        {
            Uri? url = Uri.TryCreate(result.GetValue(apiUrl), UriKind.Absolute, out Uri? parsed) && parsed.Scheme is "http" or "https" ? parsed : null;
            if (url is null)
            {
                errors.Add($"--api {result.GetValue(apiUrl)}: give the API's base address, e.g. --api http://api.example:8700/");
            }

            string? token = null;
            if (result.GetValue(tokenFile) is not { } file)
            {
                errors.Add("--token-file is required: a file that holds this worker's token (its SHA-256 is in the API's tokens file under \"workers\")");
            }
            else if (!File.Exists(file) || (token = File.ReadAllText(file).Trim()).Length == 0)
            {
                errors.Add($"--token-file {file}: the file does not exist or is empty");
            }

            if (result.GetValue(store) is null)
            {
                errors.Add("--store is required: the worker's own osbuild store (cached trees are reused across its jobs)");
            }

            string storeDirectory = Path.GetFullPath(result.GetValue(store) ?? ".");
            var settings = new WorkerSettings(
                url is null ? new Uri("http://localhost/") : new Uri(url.ToString().TrimEnd('/') + "/"),
                token ?? "",
                result.GetValue(name)!,
                storeDirectory,
                Path.GetFullPath(result.GetValue(workDir) ?? Path.Combine(Path.GetDirectoryName(storeDirectory)!, "work")),
                Queues(result, queues, errors),
                Concurrency(result, concurrency, errors),
                Duration(result, apiRetry, errors),
                Engine(result, osbuild, libdir, pluginPath),
                Storage(result, postgres, invisibility, errors, "worker"));
            return errors.Count > 0 ? Task.FromResult(2) : ServiceRunner.RunWorkerAsync(settings, cancellationToken);
        }));

        root.Subcommands.Add(api);
        root.Subcommands.Add(worker);
        return root;
    }

    /// <summary>Collects every problem of the command line, prints them all, and runs only when there are none.</summary>
    private static async Task<int> Run(ParseResult result, Func<List<string>, Task<int>> run)
    {
        var errors = new List<string>();
        try
        {
            int status = await run(errors);
            foreach (string error in errors)
            {
                await Console.Error.WriteLineAsync($"error: {error}");
            }

            return status;
        }
        catch (ServiceConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    private static EngineCommand Engine(ParseResult result, Option<string> osbuild, Option<string?> libdir, Option<string[]> pluginPath)
        => new(
            result.GetValue(osbuild)!,
            result.GetValue(libdir) is { } dir ? Path.GetFullPath(dir) : null,
            [.. (result.GetValue(pluginPath) ?? []).Select(Path.GetFullPath)]);

    private static StorageSettings Storage(ParseResult result, Option<string?> postgres, Option<string>? invisibility, List<string> errors, string role)
    {
        string? connection = result.GetValue(postgres) ?? Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            errors.Add($"--postgres (or ${PostgresVariable}) is required for the {role} role: the API and the workers share the queue through PostgreSQL. On one machine, run osbuild-service without a command instead.");
        }

        TimeSpan timeout = invisibility is null ? TimeSpan.FromMinutes(5) : Duration(result, invisibility, errors);
        return new StorageSettings(connection, timeout);
    }

    private static TimeSpan Duration(ParseResult result, Option<string> option, List<string> errors)
    {
        string text = result.GetValue(option)!;
        if (Durations.TryParse(text, out TimeSpan duration))
        {
            return duration;
        }

        errors.Add($"{option.Name} {text}: not a duration; give a number and a unit, e.g. 30s, 5m, 12h or 14d");
        return TimeSpan.FromMinutes(1);
    }

    private static string[] Queues(ParseResult result, Option<string> option, List<string> errors)
    {
        string[] names = result.GetValue(option)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string bad in names.Where(n => !QueueNames.IsValid(n)))
        {
            errors.Add($"--queues: \"{bad}\" is not a queue name: use lower-case letters, digits, '_' or '-' (e.g. x86_64)");
        }

        if (names.Length == 0)
        {
            errors.Add("--queues: give at least one queue, e.g. --queues default");
        }

        return names;
    }

    private static int Concurrency(ParseResult result, Option<int> option, List<string> errors)
    {
        int value = result.GetValue(option);
        if (value is < 1 or > 64)
        {
            errors.Add($"--concurrency {value}: give 1 to 64 builds at once");
        }

        return Math.Clamp(value, 1, 64);
    }
}
