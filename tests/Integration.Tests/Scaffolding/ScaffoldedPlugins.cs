using Engine.Host.Store;

namespace Engine.Integration.Tests.Scaffolding;

/// <summary>
/// One plugin of every kind in every language, made by the installed host's `osbuild new` into one
/// plugin root under /var/tmp, with the C# ones published by the command `osbuild new` printed.
/// The work is done on first use and shared by the tests: the four NativeAOT publishes (the slow
/// part) run one after the other, into one artifacts folder, with the user's NuGet cache.
/// </summary>
public sealed class ScaffoldedPlugins : IDisposable
{
    public static readonly IReadOnlyList<string> Languages = ["csharp", "python", "sh"];

    public static readonly IReadOnlyList<string> Kinds = ["stage", "source", "runner", "assembler"];

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly Lazy<IReadOnlyDictionary<(string Language, string Kind), ProcessRun.Result>> _scaffolds;
    private readonly Lazy<IReadOnlyDictionary<string, ProcessRun.Result>> _csharpBuilds;

    public ScaffoldedPlugins()
    {
        // /var/tmp: the store's disk (a tmpfs /tmp elsewhere would not hold images).
        Root = Directory.CreateDirectory(Path.Combine("/var/tmp", $"engine-scaffold-{Guid.NewGuid():N}")).FullName;
        PluginRoot = Path.Combine(Root, "plugins");
        Store = Path.Combine(Root, "store");
        _scaffolds = new(ScaffoldAll);
        _csharpBuilds = new(PublishCSharp);
    }

    public string Root { get; }

    /// <summary>The --output of every scaffold, hence the --plugin-path of every build.</summary>
    public string PluginRoot { get; }

    public string Store { get; }

    public static string NameOf(string language, string kind) => $"org.example.{language}-{kind}";

    /// <summary>The result of `osbuild new KIND NAME --lang LANGUAGE --output PluginRoot`.</summary>
    public ProcessRun.Result Scaffold(string language, string kind) => _scaffolds.Value[(language, kind)];

    /// <summary>The result of the printed `dotnet publish` command of the C# plugin of that kind.</summary>
    public ProcessRun.Result CSharpBuild(string kind) => _csharpBuilds.Value[kind];

    public static ProcessRun.Result Osbuild(params string[] arguments) => ProcessRun.Run(ProcessRun.Osbuild, arguments, TimeSpan.FromMinutes(10));

    private Dictionary<(string Language, string Kind), ProcessRun.Result> ScaffoldAll()
    {
        var results = new Dictionary<(string, string), ProcessRun.Result>();
        foreach (string language in Languages)
        {
            foreach (string kind in Kinds)
            {
                results[(language, kind)] = Osbuild("new", kind, NameOf(language, kind), "--lang", language, "--output", PluginRoot);
            }
        }

        return results;
    }

    private Dictionary<string, ProcessRun.Result> PublishCSharp()
    {
        var results = new Dictionary<string, ProcessRun.Result>();
        string artifacts = Path.Combine(Root, "artifacts");
        foreach (string kind in Kinds)
        {
            ProcessRun.Result scaffold = Scaffold("csharp", kind);
            string? publish = scaffold.Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("dotnet publish ", StringComparison.Ordinal));
            if (scaffold.ExitCode != 0 || publish is null)
            {
                results[kind] = scaffold with { ExitCode = scaffold.ExitCode == 0 ? -1 : scaffold.ExitCode, Stderr = "no `dotnet publish` command printed\n" + scaffold.Stderr };
                continue;
            }

            // The printed command as a user would paste it; the artifacts folder only keeps the
            // build out of the engine's own obj/ folders, which other builds may be using.
            results[kind] = ProcessRun.Run("/bin/sh", ["-c", $"{publish} --artifacts-path '{artifacts}' --nologo"], PublishTimeout, WithoutOuterMSBuild);
        }

        return results;
    }

    /// <summary>`dotnet test` passes MSBuild settings to the test process; a nested build must not inherit them.</summary>
    private static void WithoutOuterMSBuild(IDictionary<string, string?> environment)
    {
        foreach (string key in environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            environment.Remove(key);
        }
    }

    public void Dispose() => GuardedDelete.Remove(Root);
}
