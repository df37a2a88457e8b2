using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.StageDiffs;

/// <summary>
/// The store all stage a/b cases build into. It lives under /var/tmp/engine-tests and survives
/// test runs on purpose: objects are cached by id (stage chain), so the Debian base tree A that
/// every case starts from (debootstrap, 80-100 s) is made once per machine, and every case only
/// runs its own stage on top of it.
/// </summary>
internal static class StageDiffStore
{
    public static string Store => Path.GetFullPath(Environment.GetEnvironmentVariable("ENGINE_STAGE_DIFF_STORE") ?? "/var/tmp/engine-tests/stage-diff-store");

    public static string Folder => Path.Combine(Osbuild.RepoRoot, "tests", "Integration.Tests", "StageDiffs");

    public static string CasesFolder => Path.Combine(Folder, "Cases");

    public static string BaseManifest => Path.Combine(Folder, "base-a.json");

    private static readonly Lazy<(Osbuild.Result Result, TimeSpan Time)> s_base = new(() =>
    {
        var watch = Stopwatch.StartNew();
        Osbuild.Result result = Osbuild.Run(["--store", Store, "--json", BaseManifest], timeout: TimeSpan.FromMinutes(30));
        TestContext.Current.SendDiagnosticMessage($"base pipeline A: {watch.Elapsed.TotalSeconds:F1} s");
        return (result, watch.Elapsed);
    });

    /// <summary>Skips unless this machine can build Debian trees with the installed host.</summary>
    public static void RequireTools()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building trees needs root");
        Assert.SkipUnless(File.Exists("/usr/sbin/debootstrap"), "debootstrap is not installed (setup.sh installs it)");
    }

    /// <summary>Tree id of the shared base pipeline A, built on first use.</summary>
    public static string BaseTreeId
    {
        get
        {
            Osbuild.Result result = s_base.Value.Result;
            Assert.True(result.ExitCode == 0, "building the base pipeline A failed:\n" + result);
            return TreeId(result);
        }
    }

    /// <summary>Builds <paramref name="manifest"/> (a file) into the shared store and returns its tree id.</summary>
    public static string Build(string manifest)
    {
        // A first: concurrent first builds would otherwise each run debootstrap for the same object.
        _ = BaseTreeId;
        Osbuild.Result result = Osbuild.Run(["--store", Store, "--json", manifest], timeout: TimeSpan.FromMinutes(20));
        Assert.True(result.ExitCode == 0, $"building {manifest} failed:\n{result}");
        return TreeId(result);
    }

    /// <summary>Builds a manifest given as JSON (written to a scratch file) and returns its tree id.</summary>
    public static string Build(JsonNode manifest, TempStore scratch, string name)
        => Build(scratch.File(name, manifest.ToJsonString()));

    public static string Tree(string treeId) => Path.Combine(Store, "refs", treeId);

    /// <summary>osbuild's tree-diff report of two trees of the store.</summary>
    public static JValue TreeDiff(string before, string after)
    {
        Osbuild.Result diff = Osbuild.Run(["tree-diff", Tree(before), Tree(after)]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        return diff.Json;
    }

    private static string TreeId(Osbuild.Result result)
        => result.Json["tree_id"] is JValue.String id ? id.Value : throw new InvalidOperationException("no tree_id in:\n" + result);
}
