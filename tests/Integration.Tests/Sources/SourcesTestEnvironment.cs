using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using Engine.Tests.Shared;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// Where the published multi-call plugin binary and the osbuild fixtures are, and how a test runs a
/// built-in source the way the installed tree does: through a symlink named after the source.
/// The binary is <c>$OSBUILD_BUILTIN</c>, else <c>&lt;repo&gt;/out/lib/osbuild/osbuild-builtin</c> (made by
/// build.sh); e.g. <c>dotnet publish plugins/Engine.Plugins.csproj -c Release -o /tmp/pub</c>, then
/// <c>OSBUILD_BUILTIN=/tmp/pub/osbuild-builtin dotnet test tests/Integration.Tests</c>.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class SourcesTestEnvironment
{
    private static readonly Lazy<string> s_sourcesDirectory = new(CreateSourcesDirectory);

    public static string RepoRoot => RepositoryData.RepoRoot;

    /// <summary>test/sources_tests/org.osbuild.files of osbuild's data set.</summary>
    public static string FilesFixture => RepositoryData.Osbuild("test", "sources_tests", "org.osbuild.files");

    /// <summary>osbuild's data set inside the repository (tests/data/osbuild).</summary>
    public static string OsbuildData => RepositoryData.OsbuildData;

    /// <summary>Path of the program for <paramref name="source"/>: a symlink to the multi-call binary.</summary>
    public static string SourceProgram(string source)
    {
        string path = Path.Combine(s_sourcesDirectory.Value, source);
        return File.Exists(path) ? path : throw new ArgumentException($"{source} is not a built-in source", nameof(source));
    }

    /// <summary>Runs a built-in source through <see cref="SourceProgramRunner"/>, as the sources service will.</summary>
    /// <param name="channelServices">Receives what the source sends on fd 3; null drops it.</param>
    public static Task<JValue> RunAsync(
        string source, JValue options, JValue secrets, string cache, string output, IEnumerable<string> checksums,
        TextWriter? stderr = null, SourceChannelServices? channelServices = null, CancellationToken cancellationToken = default)
    {
        var runner = new SourceProgramRunner(stderr ?? TextWriter.Synchronized(new StringWriter()));
        return runner.RunAsync(SourceProgram(source), source, options, secrets, cache, output, checksums.ToList(), channelServices, cancellationToken);
    }

    /// <summary>The org.osbuild.files options of the fixture with its URLs moved to <paramref name="baseUrl"/>.</summary>
    public static JValue.Object FixtureOptions(string baseUrl)
    {
        var sources = (JValue.Object)JsonTextParser.Parse(File.ReadAllText(Path.Combine(FilesFixture, "sources.json")), "sources.json");
        var urls = (JValue.Object)((JValue.Object)sources["org.osbuild.files"]!)["urls"]!;
        var moved = urls.Members.Select(m => KeyValuePair.Create(
            m.Key, (JValue)new JValue.String(((JValue.String)m.Value).Value.Replace("http://localhost/", baseUrl, StringComparison.Ordinal))));
        return JValue.Object.From(("urls", new JValue.Object(moved.ToImmutableArray())));
    }

    public static JValue.Object Urls(params (string Checksum, string Url)[] urls)
        => JValue.Object.From(("urls", JValue.Object.From(urls.Select(u => (u.Checksum, (JValue)new JValue.String(u.Url))).ToArray())));

    public static JValue Parse(string json) => JsonTextParser.Parse(json, "test");

    private static string BuiltinBinary()
    {
        string path = Environment.GetEnvironmentVariable("OSBUILD_BUILTIN") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepoRoot, "out", "lib", "osbuild", "osbuild-builtin");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"the plugin binary {path} does not exist: run ./build.sh, or publish plugins/Engine.Plugins.csproj and set OSBUILD_BUILTIN to its osbuild-builtin");
        }

        return path;
    }

    private static string CreateSourcesDirectory()
    {
        string binary = BuiltinBinary();
        // The links sit in a folder named "sources", as in an installed plugin root: the multi-call
        // binary tells the dnf source from the dnf stage by that folder name.
        string root = Directory.CreateTempSubdirectory("osbuild-test-sources-").FullName;
        string directory = Directory.CreateDirectory(Path.Combine(root, "sources")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        foreach (string source in new[] { "org.osbuild.files", "org.osbuild.dnf" })
        {
            File.CreateSymbolicLink(Path.Combine(directory, source), binary);
        }

        return directory;
    }
}
