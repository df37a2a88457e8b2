using System.Diagnostics;
using Engine.Host.Json;
using Engine.Host.Store;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>A store on a small tmpfs that a stage fills up.</summary>
public sealed class FullDiskTests
{
    [Fact]
    public void StoreOnFullDisk_BuildFailsClearlyAndStoreStaysUsable()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "mounting a tmpfs needs root");
        using var scratch = new TempStore();
        string mountPoint = Directory.CreateDirectory(Path.Combine(scratch.Root, "small")).FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint);
        try
        {
            string store = Path.Combine(mountPoint, "store");
            string plugins = Path.Combine(Osbuild.Fixtures, "plugins");
            string big = scratch.File("big.json", """{"stages": [{"name": "org.test.fill", "options": {"mib": 64}}]}""");
            string small = scratch.File("small.json", """{"stages": [{"name": "org.test.fill", "options": {"mib": 1}}]}""");

            Osbuild.Result failed = Osbuild.Run(["--store", store, "--plugin-path", plugins, "--json", big]);

            Assert.Equal(1, failed.ExitCode);
            var stage = (JValue.Object)((JValue.Array)failed.Json["stages"]!).Items[0];
            Assert.Contains("No space left on device", ((JValue.String)stage["output"]!).Value, StringComparison.Ordinal);
            string[] leftovers = Engine.TempStore.LeftoversOf(store).Where(n => n != "sources").ToArray();
            Assert.Empty(leftovers);

            Osbuild.Result next = Osbuild.Run(["--store", store, "--plugin-path", plugins, "--json", small]);
            Assert.True(next.ExitCode == 0, next.ToString());
        }
        finally
        {
            GuardedDelete.UnmountBelow(mountPoint);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(file, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
