using System.Diagnostics;
using Engine.Host.Store;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>A bind mount of a host directory leaked into a work dir must not make a cleanup delete host files.</summary>
public sealed class GuardedDeleteTests
{
    [Fact]
    public void LeakedReadWriteBindMount_Remove_HostFilesSurvive()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "bind mounts need root");
        using var scratch = new TempStore();
        // Given a "host" directory with precious files, bind-mounted read-write deep inside a work dir
        string host = Directory.CreateDirectory(Path.Combine(scratch.Root, "host-data")).FullName;
        File.WriteAllText(Path.Combine(host, "precious"), "keep me");
        string work = Directory.CreateDirectory(Path.Combine(scratch.Root, "store", "tmp-run-1234")).FullName;
        string leak = Directory.CreateDirectory(Path.Combine(work, "var", "leaked")).FullName;
        Run("mount", "--bind", host, leak);
        Run("mount", "--bind", host, Directory.CreateDirectory(Path.Combine(work, "second")).FullName);

        // When the work dir is deleted the way the engine deletes everything
        GuardedDelete.Remove(work);

        // Then the work dir is gone, no mount is left, and the host's files are intact
        Assert.False(Directory.Exists(work));
        Assert.Empty(GuardedDelete.MountPointsBelow(scratch.Root));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(host, "precious")));
    }

    [Fact]
    public void SameFileSystemBind_RmAlone_CrossesIt()
    {
        // Why GuardedDelete re-checks the mount table: rm --one-file-system compares device
        // numbers, and a bind mount of a directory on the same disk has the same one.
        Assert.SkipUnless(Osbuild.IsRoot, "bind mounts need root");
        using var scratch = new TempStore();
        string host = Directory.CreateDirectory(Path.Combine(scratch.Root, "host-data")).FullName;
        File.WriteAllText(Path.Combine(host, "expendable"), "x");
        string work = Directory.CreateDirectory(Path.Combine(scratch.Root, "work")).FullName;
        string leak = Directory.CreateDirectory(Path.Combine(work, "leaked")).FullName;
        Run("mount", "--bind", host, leak);
        try
        {
            using Process rm = Process.Start(new ProcessStartInfo("rm", ["-rf", "--one-file-system", work]) { RedirectStandardError = true })!;
            rm.WaitForExit();
            Assert.False(File.Exists(Path.Combine(host, "expendable")), "rm --one-file-system no longer crosses same-device binds; the extra check may be relaxed");
        }
        finally
        {
            GuardedDelete.UnmountBelow(work);
        }
    }

    [Fact]
    public void MountStillPresent_RemoveUnmounted_RefusesAndDeletesNothing()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "bind mounts need root");
        using var scratch = new TempStore();
        string host = Directory.CreateDirectory(Path.Combine(scratch.Root, "host-data")).FullName;
        File.WriteAllText(Path.Combine(host, "precious"), "keep me");
        string work = Directory.CreateDirectory(Path.Combine(scratch.Root, "work")).FullName;
        string leak = Directory.CreateDirectory(Path.Combine(work, "leaked")).FullName;
        Run("mount", "--bind", host, leak);
        try
        {
            var error = Assert.Throws<IOException>(() => GuardedDelete.RemoveUnmounted(work));
            Assert.Contains($"{leak} is still mounted", error.Message, StringComparison.Ordinal);
            Assert.Equal("keep me", File.ReadAllText(Path.Combine(host, "precious")));
        }
        finally
        {
            GuardedDelete.UnmountBelow(work);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(file, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
