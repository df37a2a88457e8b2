using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Service.Api.Contracts;
using Engine.Service.Configuration;

namespace Engine.Service.Worker;

/// <summary>
/// Runs one attempt of a build on this worker: asks the API for the attempt (and the manifest,
/// sources and secrets), runs osbuild on this worker's store, streams log and progress, uploads the
/// output's files and tells the API how it ended. The API decides what the attempt means for the
/// build (the first completion wins; a cancelled build stays cancelled).
/// </summary>
internal sealed partial class BuildExecutor(
    WorkerApiClient api,
    WorkerSettings settings,
    ChildSpawner spawner,
    IHostApplicationLifetime lifetime,
    ILogger<BuildExecutor> log)
{
    // SIGTERM makes osbuild kill the running stage and clean up; this is how long that may take
    // before the worker gives up and kills it.
    private static readonly TimeSpan s_killAfter = TimeSpan.FromSeconds(90);

    // osbuild loses a SIGTERM that arrives in its first few milliseconds (it then builds to the
    // end), so the worker repeats the signal until osbuild exits; a repeated SIGTERM is harmless.
    private static readonly TimeSpan s_repeatTerm = TimeSpan.FromSeconds(2);
    private const int MaxMessageLines = 200;

    public async Task RunAsync(string buildId, CancellationToken jobToken)
    {
        AttemptGranted? granted = await api.StartAttemptAsync(buildId, jobToken);
        if (granted is null)
        {
            log.LogInformation("build {Build}: finished or cancelled before this worker started it; nothing to do", buildId);
            return;
        }

        string work = Path.Combine(settings.WorkDirectory, $"{buildId}.{granted.Attempt}");
        Directory.CreateDirectory(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FinishRequest finish;
        try
        {
            finish = await RunAttemptAsync(buildId, granted, work, jobToken);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        FinishResponse answer = await api.FinishAsync(buildId, granted.Attempt, finish, CancellationToken.None);
        log.LogInformation("build {Build} attempt {Attempt}: {Outcome}; build is {State}{Note}", buildId, granted.Attempt, finish.Outcome, answer.State, answer.Accepted ? "" : " (decided by another attempt)");
        switch (finish.Outcome)
        {
            case AttemptOutcome.Interrupted:
                // Hangfire puts the job back in its queue when a job ends this way during shutdown.
                throw new OperationCanceledException($"worker {settings.Name} is shutting down; build {buildId} goes back to its queue", jobToken);
            case AttemptOutcome.Failed:
                throw new BuildFailedException(finish.Error ?? $"build {buildId} failed");
        }
    }

    private async Task<FinishRequest> RunAttemptAsync(string buildId, AttemptGranted granted, string work, CancellationToken jobToken)
    {
        var tracker = new ProgressTracker();
        var messages = new List<string>();
        OsbuildProcess? process = null;
        using var exited = new CancellationTokenSource();
        var stop = new StopRequest(() => _ = StopAsync(() => process, exited.Token));
        await using var reporter = new AttemptReporter(api, buildId, granted.Attempt, reason => stop.Request(AttemptOutcome.Stopped, reason), log);

        string? sourcesFile = granted.Sources is { } sources ? await WriteAsync(work, "sources.json", sources) : null;
        string? secretsFile = granted.Secrets is { } secrets ? await WriteAsync(work, "secrets.json", secrets) : null;
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(granted.Manifest, ServiceJson.Default.JsonElement);
        reporter.Log($"worker {settings.Name}: attempt {granted.Attempt} of build {buildId}");

        process = await OsbuildProcess.StartAsync(
            spawner,
            OsbuildProcess.Arguments(settings.Engine, settings.StoreDirectory, sourcesFile, secretsFile),
            work,
            manifest,
            line =>
            {
                if (MonitorRecords.TryParse(line) is { } record)
                {
                    ProgressTracker.Change change = tracker.Apply(record);
                    if (change.LogLine is not null)
                    {
                        reporter.Log(change.LogLine);
                    }

                    if (change.Progress || change.Urgent)
                    {
                        reporter.Progress(tracker.Snapshot, change.Urgent);
                    }
                }
                else if (Ansi().Replace(line, "").Trim() is { Length: > 0 } text)
                {
                    // Warnings and notes come again as "message" records, which the log already shows.
                    if (!text.StartsWith("warning: ", StringComparison.Ordinal) && !text.StartsWith("note: ", StringComparison.Ordinal))
                    {
                        reporter.Log(text);
                    }

                    lock (messages)
                    {
                        if (messages.Count < MaxMessageLines)
                        {
                            messages.Add(text);
                        }
                    }
                }
            });

        if (stop.Value is not null)
        {
            _ = StopAsync(() => process, exited.Token); // stop was asked while osbuild was starting
        }

        int exitCode;
        string standardOutput;
        using (process)
        using (jobToken.Register(() => stop.Request(
            lifetime.ApplicationStopping.IsCancellationRequested ? AttemptOutcome.Interrupted : AttemptOutcome.Stopped,
            lifetime.ApplicationStopping.IsCancellationRequested ? $"worker {settings.Name} is shutting down" : "the job was deleted or taken over by another worker")))
        {
            (exitCode, standardOutput) = await process.WaitAsync();
            await exited.CancelAsync();
        }

        JsonElement? result = TryParseResult(standardOutput);
        if (result is { } parsed && !tracker.SawLiveOutput)
        {
            foreach (string line in ProgressTracker.StageOutputs(parsed))
            {
                reporter.Log(line);
            }
        }

        reporter.Log($"osbuild exited with {exitCode}");
        await reporter.CompleteAsync(CancellationToken.None);

        if (stop.Value is { } stopped && exitCode != 0)
        {
            return new FinishRequest(stopped.Outcome, exitCode, result, stopped.Reason, []);
        }

        if (exitCode == 0 && result is { } success)
        {
            IReadOnlyList<ArtifactCollector.Artifact> artifacts = await ArtifactCollector.CollectAsync(settings.StoreDirectory, success, CancellationToken.None);
            foreach (ArtifactCollector.Artifact artifact in artifacts)
            {
                await api.UploadArtifactAsync(buildId, granted.Attempt, artifact.Info.Name, artifact.Path, artifact.Info.Sha256, CancellationToken.None);
            }

            return new FinishRequest(AttemptOutcome.Succeeded, 0, success, null, [.. artifacts.Select(a => a.Info)]);
        }

        string[] collected;
        lock (messages)
        {
            collected = [.. messages];
        }

        return new FinishRequest(AttemptOutcome.Failed, exitCode, result, Describe(exitCode, result, collected), []);
    }

    /// <summary>SIGTERM now and every few seconds until osbuild exits (<paramref name="exited"/>), SIGKILL after <see cref="s_killAfter"/>.</summary>
    private static async Task StopAsync(Func<OsbuildProcess?> process, CancellationToken exited)
    {
        DateTime killAt = DateTime.UtcNow + s_killAfter;
        try
        {
            while (!exited.IsCancellationRequested)
            {
                if (process() is not { } running)
                {
                    return; // not started yet: the caller stops it once it has
                }

                if (DateTime.UtcNow >= killAt)
                {
                    running.Kill();
                    return;
                }

                running.Terminate();
                await Task.Delay(s_repeatTerm, exited);
            }
        }
        catch (OperationCanceledException)
        {
            // osbuild exited
        }
        catch (InvalidOperationException)
        {
            // osbuild exited between the check and the signal
        }
    }

    /// <summary>One message that says why the build failed; the details are in the log and the result.</summary>
    internal static string Describe(int exitCode, JsonElement? result, IReadOnlyList<string> messages)
    {
        if (exitCode == 1 && result is { } parsed && ProgressTracker.FailedStage(parsed) is { } stage)
        {
            string[] tail = stage.Output.TrimEnd('\n').Split('\n').TakeLast(20).ToArray();
            return $"stage {stage.Name} failed; its output ends with:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
        }

        return exitCode switch
        {
            1 => "osbuild reported that the build failed; see the log",
            2 => $"osbuild refused the manifest on this worker (exit 2):{Environment.NewLine}{string.Join(Environment.NewLine, messages)}",
            _ => $"osbuild exited with {exitCode}{(messages.Count > 0 ? ":" + Environment.NewLine + string.Join(Environment.NewLine, messages.TakeLast(20)) : "")}",
        };
    }

    private static JsonElement? TryParseResult(string standardOutput)
    {
        if (string.IsNullOrWhiteSpace(standardOutput))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(standardOutput);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> WriteAsync(string work, string name, JsonElement content)
    {
        string path = Path.Combine(work, name);
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await JsonSerializer.SerializeAsync(stream, content, ServiceJson.Default.JsonElement);
        return path;
    }

    // osbuild colours its last words ("Aborted") even on a pipe.
    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();
}
