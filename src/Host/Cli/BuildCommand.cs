using Engine.Host.Isolation;
using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Pipeline;
using Engine.Host.Plugins;
using Engine.Host.Services;
using Engine.Host.Services.Sources;
using Engine.Host.Store;
using Pipe = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Cli;

/// <summary>
/// The main command: read and check every input, then build (or, with <c>--inspect</c>, describe).
/// Processing order follows osbuild; every input problem is reported before
/// anything runs, with exit status 2.
/// </summary>
internal sealed class BuildCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public async Task<int> RunAsync(BuildArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.ReadsStandardInput && !arguments.Inspect && !arguments.Check)
        {
            // Before stdin is read: entering the namespace execs this program again, which must find it unread.
            OwnMountNamespace.Enter(cancellationToken);
        }

        ManifestDocument manifest;
        Pipe pipeline;
        JValue.Object sources;
        JValue.Object secrets = JValue.Object.Empty;
        try
        {
            manifest = ManifestLoader.LoadFile(arguments.Manifest, stdin);
            sources = arguments.Sources is string sourcesFile ? ReadObject(sourcesFile, "a sources configuration keyed by source name") : manifest.Sources;
            pipeline = Pipe.Create(manifest.Pipeline);
            if (arguments.Inspect)
            {
                JValue.Object description = JValue.Object.From(("pipeline", pipeline.Describe(withIds: true)), ("sources", sources));
                stdout.Write(PythonJson.Indented(description) + "\n");
                return ExitCodes.Success;
            }

            if (arguments.BuildEnv is string buildEnvFile)
            {
                BuildSpec environment = ManifestLoader.LoadBuildEnvironment(ManifestLoader.ReadJsonFile(buildEnvFile, stdin), buildEnvFile);
                pipeline = pipeline.WithBuildEnvironment(environment.Runner, environment.Pipeline is PipelineSpec p ? Pipe.Create(p) : null);
            }

            if (arguments.Secrets is string secretsFile)
            {
                secrets = ReadObject(secretsFile, "secrets keyed by source name");
            }
        }
        catch (ManifestException e)
        {
            PrintInputErrors(e.Errors);
            return ExitCodes.InvalidInput;
        }

        var checkpoints = new HashSet<string>(arguments.Checkpoints, StringComparer.Ordinal);
        var stageIds = pipeline.SelfAndBuilds().SelectMany(p => p.Stages).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var missing = checkpoints.Where(c => !stageIds.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            foreach (string id in missing)
            {
                stdout.WriteLine($"Checkpoint \x1b[1m{id}\x1b[0m not found!");
            }

            stdout.WriteLine("\x1b[0m\x1b[1m\x1b[31mFailed\x1b[0m");
            return ExitCodes.BuildFailed;
        }

        var catalog = new PluginCatalog(PluginCatalog.SearchPath(
            arguments.PluginPaths, Environment.GetEnvironmentVariable("OSBUILD_PLUGIN_PATH"), arguments.LibDir ?? HostEnvironment.DefaultLibDir()));
        var validator = new OptionsValidator(catalog, manifest.FileName);
        IReadOnlyList<InputError> problems = validator.Validate(pipeline);
        if (problems.Count > 0)
        {
            PrintInputErrors(problems);
            return ExitCodes.InvalidInput;
        }

        if (arguments.Monitor is not null && !File.Exists($"/proc/self/fd/{arguments.MonitorFd}"))
        {
            stderr.WriteLine($"error: --monitor-fd {arguments.MonitorFd} is not an open file descriptor of osbuild; open it in the calling program (for example `osbuild --monitor {MonitorReporter.Name} --monitor-fd 3 MANIFEST 3>events.json-seq`)");
            return ExitCodes.InvalidInput;
        }

        if (arguments.Check)
        {
            stdout.WriteLine($"{manifest.FileName}: no problems found ({pipeline.SelfAndBuilds().Sum(p => p.Stages.Length + (p.Assembler is null ? 0 : 1))} stages and assemblers checked)");
            return ExitCodes.Success;
        }

        if (!HostEnvironment.IsRoot)
        {
            stderr.WriteLine("error: building needs root (mounts, containers, loop devices); run with sudo. `--inspect` works without root.");
            return ExitCodes.InvalidInput;
        }

        string? bwrap = HostEnvironment.FindOnPath("bwrap");
        if (bwrap is null)
        {
            stderr.WriteLine("error: bubblewrap (bwrap) is not installed; every stage runs in a bubblewrap container: apt-get install bubblewrap");
            return ExitCodes.InvalidInput;
        }

        IReadOnlyList<string> missingTools = HostToolCheck.Missing(pipeline, catalog, HostEnvironment.IsInstalled);
        if (missingTools.Count > 0)
        {
            foreach (string message in missingTools)
            {
                stderr.WriteLine($"error: {message}");
            }

            stderr.WriteLine("Nothing was built; install the packages named above and run the build again.");
            return ExitCodes.InvalidInput;
        }

        var store = new ObjectStore(arguments.Store, TreeSum.Compute);
        if (arguments.NoCache || !PipelineExecutor.RunsNothing(pipeline, store))
        {
            // Nothing has been printed yet: after the exec the new image checks everything again
            // (a few milliseconds) and reports alone. A fully cached build mounts nothing and stays.
            OwnMountNamespace.Enter(cancellationToken);
        }

        IBuildReporter display = arguments.Json
            ? new SilentReporter(stderr)
            : new InteractiveReporter(stdout, stderr, !Console.IsErrorRedirected);
        using MonitorReporter? monitor = arguments.Monitor is null ? null : MonitorReporter.OnDescriptor(arguments.MonitorFd);
        IBuildReporter reporter = monitor is null ? display : new ReporterGroup([display, monitor]);
        reporter.Started(pipeline);
        foreach (string warning in validator.Warnings)
        {
            reporter.Warning(warning);
        }

        IOutputSink terminal = arguments.Json ? new DiscardSink() : new StdoutSink();
        IOutputSink sink = monitor is null ? terminal : new TeeSink(terminal, monitor);
        var services = new RunServicesFactory(store, catalog, new SourceProgramRunner(stderr), sources, secrets, reporter);
        var executor = new PipelineExecutor(
            store,
            catalog,
            new ContainerRunner(store.Root, bwrap, sink),
            services,
            new BuildSettings(sources, secrets, checkpoints, arguments.Json, arguments.Timeout,
                OverlayBase: Environment.GetEnvironmentVariable("OSBUILD_BASE") != "copy",
                NoCache: arguments.NoCache),
            reporter);

        PipelineResult result = await executor.RunAsync(pipeline, cancellationToken);
        reporter.Finished(result, pipeline);
        if (arguments.Json)
        {
            stdout.Write(result.ToJson() + "\n");
        }

        stdout.Flush();
        return result.Success ? ExitCodes.Success : ExitCodes.BuildFailed;
    }

    private JValue.Object ReadObject(string path, string expected)
    {
        JValue value = ManifestLoader.ReadJsonFile(path, stdin);
        return value as JValue.Object ?? throw new ManifestException(path, "$", $"expected {expected} (an object), found {value.KindName}");
    }

    private void PrintInputErrors(IReadOnlyList<InputError> errors)
    {
        foreach (InputError error in errors)
        {
            stderr.WriteLine($"error: {error}");
        }

        stderr.WriteLine(errors.Count == 1 ? "1 problem found; nothing was built." : $"{errors.Count} problems found; nothing was built.");
    }
}
