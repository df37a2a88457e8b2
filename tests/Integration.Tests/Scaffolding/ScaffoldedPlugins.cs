using Engine.Host.Store;

namespace Engine.Integration.Tests.Scaffolding;

/// <summary>
/// One plugin of every kind in every language, made by the installed host's `osbuild new` into one
/// plugin root under /var/tmp, with the C# ones published by the command `osbuild new` printed.
/// The work is done on first use and shared by the tests: all scaffolds at once, each C# publish
/// (the slow part, a NativeAOT link) when its test first needs it, one after the other.
/// </summary>
public sealed class ScaffoldedPlugins : IDisposable
{
    public static readonly IReadOnlyList<string> Languages = ["csharp", "python", "sh"];

    public static readonly IReadOnlyList<string> Kinds = ["stage", "source", "runner", "assembler"];

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly Lazy<IReadOnlyDictionary<(string Language, string Kind), ProcessRun.Result>> _scaffolds;
    private readonly Dictionary<string, Lazy<ProcessRun.Result>> _csharpBuilds;

    public ScaffoldedPlugins()
    {
        // /var/tmp: the store's disk (a tmpfs /tmp elsewhere would not hold images).
        Root = Directory.CreateDirectory(Path.Combine("/var/tmp", $"engine-scaffold-{Guid.NewGuid():N}")).FullName;
        PluginRoot = Path.Combine(Root, "plugins");
        Store = Path.Combine(Root, "store");
        _scaffolds = new(ScaffoldAll);
        _csharpBuilds = Kinds.ToDictionary(kind => kind, kind => new Lazy<ProcessRun.Result>(() => PublishCSharp(kind)));
    }

    public string Root { get; }

    /// <summary>The --output of every scaffold, hence the --plugin-path of every build.</summary>
    public string PluginRoot { get; }

    public string Store { get; }

    public static string NameOf(string language, string kind) => $"org.example.{language}-{kind}";

    /// <summary>The result of `osbuild new KIND NAME --lang LANGUAGE --output PluginRoot`.</summary>
    public ProcessRun.Result Scaffold(string language, string kind) => _scaffolds.Value[(language, kind)];

    /// <summary>The result of the printed `dotnet publish` command of the C# plugin of that kind.</summary>
    public ProcessRun.Result CSharpBuild(string kind) => _csharpBuilds[kind].Value;

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

    private ProcessRun.Result PublishCSharp(string kind)
    {
        ProcessRun.Result scaffold = Scaffold("csharp", kind);
        string? publish = scaffold.Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("dotnet publish ", StringComparison.Ordinal));
        if (scaffold.ExitCode != 0 || publish is null)
        {
            return scaffold with { ExitCode = scaffold.ExitCode == 0 ? -1 : scaffold.ExitCode, Stderr = "no `dotnet publish` command printed\n" + scaffold.Stderr };
        }

        // The printed command as a user would paste it. All four share one artifacts folder (the
        // Protocol SDK is compiled once) that also keeps them out of the engine's own obj/ folders,
        // which other builds may be using; NuGet packages come from the user's cache.
        string artifacts = Path.Combine(Root, "artifacts");
        return ProcessRun.Run("/bin/sh", ["-c", $"{publish} --artifacts-path '{artifacts}' --nologo"], PublishTimeout, WithoutOuterMSBuild);
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
