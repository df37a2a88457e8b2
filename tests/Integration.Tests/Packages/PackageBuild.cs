using System.Diagnostics;
using System.Text.Json.Nodes;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Packages;

/// <summary>Builds one manifest with the installed host as root and reads the resulting tree.</summary>
internal static class PackageBuild
{
    /// <summary>The result of a build, and the tree when it succeeded.</summary>
    public sealed record Outcome(Osbuild.Result Result, string? Tree);

    public static void RequireRoot() => Assert.SkipUnless(Osbuild.IsRoot, "building trees needs root (bind mounts, chroot scriptlets)");

    /// <summary>A manifest: the given sources and one pipeline of <paramref name="stages"/>, no build pipeline, no assembler.</summary>
    public static string Manifest(JsonObject sources, params JsonObject[] stages)
        => new JsonObject
        {
            ["sources"] = sources,
            ["pipeline"] = new JsonObject { ["stages"] = new JsonArray([.. stages]) },
        }.ToJsonString();

    public static JsonObject Stage(string name, JsonObject options) => new() { ["name"] = name, ["options"] = options };

    public static Outcome Build(TempStore scratch, string manifest)
    {
        string path = scratch.File("manifest.json", manifest);
        // Ids first: they must equal the independent Python computation for this manifest.
        AssertIdsMatchReference(path);
        Osbuild.Result result = Osbuild.Run(["--store", scratch.Store, "--json", path], timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            return new Outcome(result, null);
        }

        string treeId = ((JValue.String)result.Json["tree_id"]!).Value;
        return new Outcome(result, Path.Combine(scratch.Store, "refs", treeId));
    }

    /// <summary>The tree's rpm database, package NEVRAs without the imported keys (gpg-pubkey-*), sorted.</summary>
    public static string[] InstalledPackages(string tree)
        => PackageRepository.Run("rpm", ["--root", tree, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME}\\n"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(name => name != "gpg-pubkey")
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static void AssertIdsMatchReference(string manifest)
    {
        Osbuild.Result inspect = Osbuild.Run(["--inspect", manifest]);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        var start = new ProcessStartInfo("python3", [Path.Combine(Osbuild.Fixtures, "reference_ids.py"), manifest]) { RedirectStandardOutput = true };
        using Process python = Process.Start(start)!;
        string reference = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.Equal(0, python.ExitCode);
        var expected = (JValue.Object)JsonTextParser.Parse(reference, "reference");
        var ours = (JValue.Object)inspect.Json["pipeline"]!;
        var expectedIds = ((JValue.Array)expected["stages"]!).Items.Select(i => ((JValue.String)i).Value).ToArray();
        var ourIds = ((JValue.Array)ours["stages"]!).Items.Select(s => ((JValue.String)((JValue.Object)s)["id"]!).Value).ToArray();
        Assert.Equal(expectedIds, ourIds);
        Assert.Equal(((JValue.String)expected["tree_id"]!).Value, ((JValue.String)ours["tree_id"]!).Value);
    }
}
