using System.Diagnostics;
using Engine.Host.Json;
using Engine.Tests.Shared;

namespace Engine.Integration.Tests.Engine;

/// <summary>`osbuild --inspect` against an independent Python computation of osbuild's ids.</summary>
public sealed class InspectTests
{
    public static TheoryData<string> Manifests()
    {
        var data = new TheoryData<string>();
        foreach (string file in RepositoryData.Files(Path.Combine(Osbuild.SharedData, "samples"), "*.json"))
        {
            // Two samples are build environments (--build-env files), not manifests.
            if (!file.EndsWith("ubuntu1804.json", StringComparison.Ordinal) && !file.EndsWith("sources.json", StringComparison.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }

        foreach (string file in RepositoryData.Files(Path.Combine(Osbuild.SharedData, "test"), "*.json", SearchOption.AllDirectories))
        {
            if (file.EndsWith("/a.json", StringComparison.Ordinal) || file.EndsWith("/b.json", StringComparison.Ordinal) || file.Contains("/f30-", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(Osbuild.SharedData, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Inspect_DataSetManifest_IdsEqualPythonReference(string relative)
    {
        // Given a manifest of osbuild's data set
        string path = relative.Contains('/', StringComparison.Ordinal) ? Path.Combine(Osbuild.SharedData, relative) : Path.Combine(Osbuild.SharedData, "samples", relative);

        // When we inspect it, and Python's json module computes the ids the way osbuild does
        Osbuild.Result result = Osbuild.Run(["--inspect", path]);
        JValue.Object reference = (JValue.Object)JsonTextParser.Parse(PythonReference(path), "reference");

        // Then every id is the same, build pipelines included
        Assert.True(result.ExitCode == 0, result.ToString());
        ComparePipeline(reference, (JValue.Object)result.Json["pipeline"]!, "$");
    }

    [Fact]
    public void Inspect_ManifestOnStdin_SameAsFromFile()
    {
        string path = Path.Combine(Osbuild.SharedData, "samples", "base-qcow2.json");
        Osbuild.Result fromFile = Osbuild.Run(["--inspect", path]);
        Osbuild.Result fromStdin = Osbuild.Run(["--inspect", "-"], stdin: File.ReadAllText(path));
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Stdout, fromStdin.Stdout);
        Assert.Contains("\"output_id\": \"50d46e1e6cd4895f4ec3aab8596a004e1d318a873c6864aa8a6127e7b1a53d37\"", fromFile.Stdout, StringComparison.Ordinal);
    }

    private static void ComparePipeline(JValue.Object reference, JValue.Object ours, string path)
    {
        Assert.Equal(Text(reference["tree_id"]), Text(ours["tree_id"]));
        Assert.Equal(Text(reference["output_id"]), Text(ours["output_id"]));
        var referenceStages = ((JValue.Array)reference["stages"]!).Items.Select(Text).ToList();
        var ourStages = (ours["stages"] as JValue.Array)?.Items.Select(s => Text(((JValue.Object)s)["id"])).ToList() ?? [];
        Assert.Equal(referenceStages, ourStages);
        if (reference["build"] is JValue.Object referenceBuild)
        {
            var ourBuild = (JValue.Object)((JValue.Object)ours["build"]!)["pipeline"]!;
            ComparePipeline(referenceBuild, ourBuild, path + ".build");
        }
    }

    private static string? Text(JValue? value) => (value as JValue.String)?.Value;

    private static string PythonReference(string manifest)
    {
        var start = new ProcessStartInfo("python3", [Path.Combine(Osbuild.Fixtures, "reference_ids.py"), manifest]) { RedirectStandardOutput = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
