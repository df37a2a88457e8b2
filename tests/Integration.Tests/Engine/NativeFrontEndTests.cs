using System.Diagnostics;
using Engine.Tests.Shared;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// The installed <c>out/bin/osbuild</c> is the NativeAOT front end; <c>out/libexec/osbuild/osbuild</c>
/// is the full (managed) host it hands over to (src/Host/Cli/ManagedHost.cs). The front end must
/// behave exactly like the full host, and must do cached builds, inspections and input checks
/// without it.
/// </summary>
public sealed class NativeFrontEndTests
{
    private static string FullHost => Path.Combine(Osbuild.RepoRoot, "out", "libexec", "osbuild", "osbuild");

    private static string Sample(string name) => Path.Combine(Osbuild.SharedData, "samples", name);

    [Fact]
    public void FrontEnd_IsNativeCode_NotADotnetApphost()
    {
        Assert.SkipUnless(File.Exists(Osbuild.Binary), $"{Osbuild.Binary} is missing: run ./build.sh first");

        // A .NET apphost needs osbuild.dll beside it; the NativeAOT binary is the whole program.
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(Osbuild.Binary)!, "osbuild.dll")));
        Assert.True(File.Exists(FullHost), $"{FullHost} is missing: ./build.sh installs it");
        Assert.True(File.Exists(Path.ChangeExtension(FullHost, ".dll")), "the full host is a .NET program");
    }

    [Theory]
    [InlineData("inspect-sample")]
    [InlineData("inspect-all-samples")]
    [InlineData("schema-error")]
    [InlineData("unknown-stage")]
    [InlineData("manifest-syntax-error")]
    [InlineData("plugins-describe")]
    [InlineData("plugins-unknown")]
    [InlineData("bad-option")]
    public void SameCommand_FrontEndAndFullHost_PrintTheSameAndExitTheSame(string scenario)
    {
        using var scratch = new TempStore();
        foreach (string[] arguments in Commands(scenario, scratch))
        {
            // When the same command runs with both binaries
            Osbuild.Result front = Run(Osbuild.Binary, arguments);
            Osbuild.Result full = Run(FullHost, arguments);

            // Then stdout, stderr and the exit status are identical
            Assert.True(front == full, $"osbuild {string.Join(' ', arguments)}\nfront end: {front}\nfull host: {full}");
        }
    }

    [Fact]
    public void CachedBuild_WithoutTheFullHost_SucceedsAndUncachedBuildSaysWhatIsMissing()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("two-noops.json", """{"pipeline": {"stages": [{"name": "org.osbuild.noop", "options": {"n": 1}}, {"name": "org.osbuild.noop", "options": {"n": 2}}]}}""");
        string other = scratch.File("other.json", """{"pipeline": {"stages": [{"name": "org.osbuild.noop", "options": {"n": 3}}]}}""");

        // Given a store where the installed host built the manifest (the front end handed over to the full host)
        Osbuild.Result built = Osbuild.Run(["--store", scratch.Store, "--json", manifest]);
        Assert.True(built.ExitCode == 0, built.ToString());

        // And an installation that has the front end and the plugins but no full host
        string prefix = Path.Combine(scratch.Root, "prefix");
        Directory.CreateDirectory(Path.Combine(prefix, "bin"));
        Directory.CreateDirectory(Path.Combine(prefix, "lib"));
        File.Copy(Osbuild.Binary, Path.Combine(prefix, "bin", "osbuild"));
        CopyPreservingLinks(Path.Combine(Osbuild.RepoRoot, "out", "lib", "osbuild"), Path.Combine(prefix, "lib"));
        string frontEndOnly = Path.Combine(prefix, "bin", "osbuild");

        // When it rebuilds the cached manifest, interactively and as JSON
        Osbuild.Result cachedJson = Run(frontEndOnly, ["--store", scratch.Store, "--json", manifest]);
        Osbuild.Result cachedInteractive = Run(frontEndOnly, ["--store", scratch.Store, manifest]);
        Osbuild.Result fullInteractive = Run(FullHost, ["--store", scratch.Store, manifest]);

        // Then it needed no full host and printed exactly what the full host prints
        Assert.True(cachedJson.ExitCode == 0, cachedJson.ToString());
        Assert.Equal(Run(FullHost, ["--store", scratch.Store, "--json", manifest]), cachedJson);
        Assert.Equal(fullInteractive, cachedInteractive);

        // When it must run a stage
        Osbuild.Result uncached = Run(frontEndOnly, ["--store", scratch.Store, "--json", other]);

        // Then it names the missing full host and how to get it, and built nothing
        Assert.Equal(1, uncached.ExitCode);
        Assert.Contains(Path.Combine(prefix, "libexec", "osbuild", "osbuild"), uncached.Stderr, StringComparison.Ordinal);
        Assert.Contains("./build.sh", uncached.Stderr, StringComparison.Ordinal);
        Assert.Equal("", uncached.Stdout);
        Assert.Empty(scratch.Leftovers);
    }

    [Fact]
    public void ManifestOnStandardInput_NotCached_IsBuiltByTheFullHost()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = """{"pipeline": {"stages": [{"name": "org.osbuild.noop", "options": {"stdin": true}}]}}""";

        // When the front end gets the manifest on stdin, which it hands over unread
        Osbuild.Result first = Osbuild.Run(["--store", scratch.Store, "--json", "-"], stdin: manifest);
        Osbuild.Result second = Osbuild.Run(["--store", scratch.Store, "--json", "-"], stdin: manifest);

        // Then the full host read it and built it, and the second run found it cached
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("\"stages\"", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("\"stages\"", second.Stdout, StringComparison.Ordinal);
    }

    private static IEnumerable<string[]> Commands(string scenario, TempStore scratch)
    {
        switch (scenario)
        {
            case "inspect-sample":
                yield return ["--inspect", Sample("base-qcow2.json")];
                break;
            case "inspect-all-samples":
                foreach (string sample in RepositoryData.Files(Path.Combine(Osbuild.SharedData, "samples"), "*.json"))
                {
                    yield return ["--inspect", sample];
                }

                break;
            case "schema-error":
                yield return ["--store", scratch.Store, scratch.File("bad.json", """{"pipeline": {"stages": [{"name": "org.osbuild.hostname", "options": {"hostname": 42}}]}}""")];
                break;
            case "unknown-stage":
                yield return ["--store", scratch.Store, scratch.File("unknown.json", """{"pipeline": {"stages": [{"name": "org.osbuild.nope"}]}}""")];
                break;
            case "manifest-syntax-error":
                yield return ["--store", scratch.Store, scratch.File("syntax.json", """{"pipeline": {"stages": [}""")];
                break;
            case "plugins-describe":
                yield return ["plugins", "describe", "org.osbuild.qemu"];
                yield return ["plugins", "list"];
                break;
            case "plugins-unknown":
                yield return ["plugins", "describe", "org.osbuild.qem"];
                break;
            case "bad-option":
                yield return ["--no-such-option", Sample("noop.json")];
                yield return ["--insp", Sample("noop.json")];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "unknown scenario");
        }
    }

    private static Osbuild.Result Run(string binary, string[] arguments)
    {
        Assert.SkipUnless(File.Exists(binary), $"{binary} is missing: run ./build.sh first");
        return Osbuild.Run(arguments, binary: binary);
    }

    private static void CopyPreservingLinks(string source, string destinationParent)
    {
        using Process cp = Process.Start("cp", ["-a", source, destinationParent]);
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
    }
}
