using System.Text.Json.Nodes;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Sources;

namespace Engine.Integration.Tests.Debs;

/// <summary>
/// samples/debian-bookworm-qcow2.json, pinned by depsolve-deb: its ids follow its packages, a
/// package whose bytes do not match its checksum stops the build before anything is installed,
/// and two builds into different stores give the same tree.
/// </summary>
public sealed class PinnedSampleTests
{
    private static string Sample => Path.Combine(Osbuild.RepoRoot, "samples", "debian-bookworm-qcow2.json");

    /// <summary>The boot test's store: its sources cache holds the sample's .debs, downloaded once for every test.</summary>
    private static string SharedStore => Path.GetFullPath(Environment.GetEnvironmentVariable("ENGINE_SAMPLE_STORE") ?? "/var/tmp/engine-tests/sample-store");

    private static JsonObject LoadSample() => JsonNode.Parse(File.ReadAllText(Sample))!.AsObject();

    private static string[] StageIds(string manifestPath)
    {
        Osbuild.Result inspect = Osbuild.Run(["--inspect", manifestPath]);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        JsonNode description = JsonNode.Parse(inspect.Stdout)!;
        return [.. description["pipeline"]!["stages"]!.AsArray().Select(s => (string)s!["id"]!)];
    }

    [Fact]
    public void OnePackageChanged_ChangesEveryStageId()
    {
        using var scratch = new TempStore();
        JsonObject sample = LoadSample();
        JsonArray packages = sample["pipeline"]!["stages"]![0]!["options"]!["packages"]!.AsArray();
        var urls = sample["sources"]!["org.osbuild.files"]!["urls"]!.AsObject();
        string old = (string)packages[0]!;

        // Another version of the first package: another file, so another checksum and URL.
        string replacement = "sha256:" + new string('e', 64);
        packages[0] = replacement;
        string url = (string)urls[old]!;
        urls.Remove(old);
        urls[replacement] = url.Replace(".deb", "+rebuilt.deb", StringComparison.Ordinal);
        string changed = scratch.File("changed.json", sample.ToJsonString());

        string[] before = StageIds(Sample);
        string[] after = StageIds(changed);

        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.NotEqual(before[i], after[i]);
        }
    }

    [Fact]
    public void Unpinned_StageIdsDoNotDependOnWhatTheMirrorServes()
    {
        // The unpinned sample names packages, not files: nothing in its stages changes when the
        // archive publishes a new version, so neither do its ids. The pinned sample names files.
        string unpinned = File.ReadAllText(Path.Combine(Osbuild.RepoRoot, "samples", "debian-bookworm-qcow2-unpinned.json"));
        Assert.DoesNotContain("sha256:", unpinned, StringComparison.Ordinal);
        Assert.Contains("\"org.osbuild.debootstrap\"", unpinned, StringComparison.Ordinal);
        Assert.Contains("sha256:", File.ReadAllText(Sample), StringComparison.Ordinal);
    }

    /// <summary>
    /// A file whose bytes do not match its pinned checksum, and a pinned file the archive no longer
    /// serves: the host's source fails the stage before mmdebstrap runs, and nothing is stored.
    /// </summary>
    [Theory]
    [InlineData("base-files_1_amd64.deb", "checksum mismatch")]
    [InlineData("gone_1_amd64.deb", "HTTP 404")]
    public async Task BadOrMissingPackage_FailsBeforeAnythingIsInstalled(string requested, string expected)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string served = Path.Combine(scratch.Root, "served");
        Directory.CreateDirectory(served);
        File.WriteAllText(Path.Combine(served, "base-files_1_amd64.deb"), "not the package the manifest pins\n");
        await using var server = new TestHttpServer(served);
        string pinned = "sha256:" + new string('a', 64);
        var manifest = new JsonObject
        {
            ["pipeline"] = new JsonObject
            {
                ["stages"] = new JsonArray(new JsonObject
                {
                    ["name"] = "org.osbuild.debs",
                    ["options"] = new JsonObject { ["suite"] = "bookworm", ["mirror"] = $"http://127.0.0.1:{server.Port}", ["packages"] = new JsonArray(pinned) },
                }),
            },
            ["sources"] = new JsonObject { ["org.osbuild.files"] = new JsonObject { ["urls"] = new JsonObject { [pinned] = $"http://127.0.0.1:{server.Port}/{requested}" } } },
        };

        Osbuild.Result result = Osbuild.Run(["--store", scratch.Store, scratch.File("bad.json", manifest.ToJsonString())]);

        Assert.True(result.ExitCode == 1, result.ToString());
        string said = result.Stdout + result.Stderr;
        Assert.Contains($"org.osbuild.files could not provide 1 item(s)", said, StringComparison.Ordinal);
        Assert.Contains(pinned, said, StringComparison.Ordinal);
        Assert.Contains(expected, said, StringComparison.Ordinal);
        Assert.DoesNotContain("mmdebstrap", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(scratch.Objects);
    }

    /// <summary>
    /// The pinned sample's tree (without the assembler: the tree id is the same) built into the
    /// shared store and into a fresh one, one after the other, gives the same treesum. The fresh store's sources cache
    /// is seeded with hard links from the shared one, so the archive is downloaded once.
    /// The fresh build's output also shows that eatmydata stayed in place to the end and that apt
    /// reported no error, and its tree keeps none of the build's apt and dpkg settings.
    /// </summary>
    [Fact]
    public void TwoStores_SameTreesum()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        Assert.SkipUnless(File.Exists("/usr/bin/mmdebstrap"), "mmdebstrap is not installed (setup.sh installs it)");
        using var scratch = new TempStore();
        JsonObject sample = LoadSample();
        sample["pipeline"]!.AsObject().Remove("assembler");
        string treeOnly = scratch.File("tree.json", sample.ToJsonString());

        // Built again even when the shared store has the tree: a tree made by an older
        // org.osbuild.debs has the same id, and comparing with it would test the old stage.
        Osbuild.Result first = Osbuild.Run(["--store", SharedStore, "--no-cache", "--json", treeOnly], timeout: TimeSpan.FromMinutes(30));
        Assert.True(first.ExitCode == 0, first.ToString());
        string cache = Path.Combine(SharedStore, "sources", "org.osbuild.files");
        string seeded = Path.Combine(scratch.Store, "sources", "org.osbuild.files");
        Directory.CreateDirectory(Path.GetDirectoryName(seeded)!);
        using (var copy = System.Diagnostics.Process.Start("cp", ["-al", cache, seeded]))
        {
            copy.WaitForExit();
            Assert.Equal(0, copy.ExitCode);
        }

        Osbuild.Result second = Osbuild.Run(["--store", scratch.Store, "--json", treeOnly], timeout: TimeSpan.FromMinutes(30));
        Assert.True(second.ExitCode == 0, second.ToString());

        // Every program of the build, the initramfs hook's included, ran with eatmydata's library
        // in place: the loader complains of each program that cannot preload it.
        string packageOutput = ((JValue.String)((JValue.Object)((JValue.Array)second.Json["stages"]!).Items[0])["output"]!).Value;
        Assert.Contains("update-initramfs: Generating", packageOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be preloaded", packageOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(packageOutput.Split('\n'), line => line.StartsWith("E: ", StringComparison.Ordinal));

        // The build's apt and dpkg settings (force-unsafe-io above all) stay out of the image.
        string secondTree = Path.Combine(scratch.Store, "refs", ((JValue.String)second.Json["tree_id"]!).Value);
        Assert.True(Directory.Exists(Path.Combine(secondTree, "etc/dpkg/dpkg.cfg.d")), "the tree has no /etc/dpkg/dpkg.cfg.d");
        Assert.False(File.Exists(Path.Combine(secondTree, "etc/dpkg/dpkg.cfg.d/99mmdebstrap")), "the image would run dpkg with the build's force-unsafe-io");
        Assert.False(File.Exists(Path.Combine(secondTree, "etc/apt/apt.conf.d/99mmdebstrap")), "the image would run apt with the build's settings");

        string treeId = ((JValue.String)first.Json["tree_id"]!).Value;
        Assert.Equal(treeId, ((JValue.String)second.Json["tree_id"]!).Value);
        string firstObject = Path.GetFileName(new FileInfo(Path.Combine(SharedStore, "refs", treeId)).LinkTarget!);
        string secondObject = Path.GetFileName(new FileInfo(Path.Combine(scratch.Store, "refs", treeId)).LinkTarget!);
        if (firstObject != secondObject)
        {
            Osbuild.Result diff = Osbuild.Run(["tree-diff", Path.Combine(SharedStore, "refs", treeId), Path.Combine(scratch.Store, "refs", treeId)]);
            Assert.Fail($"the two trees differ (treesums {firstObject} and {secondObject}):\n{diff.Stdout}");
        }
    }
}
