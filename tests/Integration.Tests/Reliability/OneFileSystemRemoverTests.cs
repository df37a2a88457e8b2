using System.Diagnostics;
using Engine.Host.Store;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>The in-process <c>rm -rf --one-file-system</c> behind every cleanup of the host.</summary>
public sealed class OneFileSystemRemoverTests
{
    [Fact]
    public void TreeOfEveryFileType_Remove_GoneAndSymlinkTargetsSurvive()
    {
        using var scratch = new TempStore();
        // Given a tree with files, read-only directories, a FIFO, a non-UTF-8 name and symlinks pointing out of it
        string outside = scratch.File("outside", "keep me");
        string outsideDirectory = Directory.CreateDirectory(Path.Combine(scratch.Root, "outside-dir")).FullName;
        File.WriteAllText(Path.Combine(outsideDirectory, "inside"), "keep me too");
        string tree = Directory.CreateDirectory(Path.Combine(scratch.Root, "tree")).FullName;
        string deep = Directory.CreateDirectory(Path.Combine(tree, "a", "b", "c")).FullName;
        File.WriteAllText(Path.Combine(deep, "file"), "x");
        File.CreateSymbolicLink(Path.Combine(tree, "a", "to-file"), outside);
        File.CreateSymbolicLink(Path.Combine(tree, "a", "to-dir"), outsideDirectory);
        Run("mkfifo", Path.Combine(tree, "a", "fifo"));
        Run("sh", "-c", $"printf x > '{tree}/'$(printf 'caf\\351')");
        File.SetUnixFileMode(Path.Combine(tree, "a", "b"), UnixFileMode.UserRead | UnixFileMode.UserExecute);

        // When it is removed
        OneFileSystemRemover.Remove(tree);

        // Then nothing of it is left, and nothing it pointed to was touched
        Assert.False(Directory.Exists(tree));
        Assert.Equal("keep me", File.ReadAllText(outside));
        Assert.Equal("keep me too", File.ReadAllText(Path.Combine(outsideDirectory, "inside")));
    }

    [Fact]
    public void SingleFileAndMissingPath_Remove_FileGoneMissingIgnored()
    {
        using var scratch = new TempStore();
        string file = scratch.File("lonely", "x");

        OneFileSystemRemover.Remove(file);
        OneFileSystemRemover.Remove(Path.Combine(scratch.Root, "never-existed"));

        Assert.False(File.Exists(file));
    }

    [Fact]
    public void TreeDeeperThanTheFdWalk_Remove_GoneThroughRm()
    {
        using var scratch = new TempStore();
        // Given a chain of directories deeper than the walk's limit, with a file at the bottom
        string tree = Path.Combine(scratch.Root, "deep");
        string bottom = tree;
        for (int i = 0; i < OneFileSystemRemover.MaxDepth + 20; i++)
        {
            bottom = Path.Combine(bottom, "d");
        }

        Directory.CreateDirectory(bottom);
        File.WriteAllText(Path.Combine(bottom, "file"), "x");

        // When it is removed, then all of it is gone
        OneFileSystemRemover.Remove(tree);
        Assert.False(Directory.Exists(tree));
    }

    [Fact]
    public void OtherFileSystemMountedInside_Remove_NotEnteredAndReported()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "mounting a tmpfs needs root");
        using var scratch = new TempStore();
        // Given a tree with a tmpfs mounted inside it (as a leaked mount would be)
        string tree = Directory.CreateDirectory(Path.Combine(scratch.Root, "tree")).FullName;
        File.WriteAllText(Path.Combine(tree, "ordinary"), "x");
        string mountPoint = Directory.CreateDirectory(Path.Combine(tree, "mnt")).FullName;
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint);
        try
        {
            File.WriteAllText(Path.Combine(mountPoint, "on-tmpfs"), "keep me");

            // When the tree is removed without unmounting first
            IOException error = Assert.Throws<IOException>(() => OneFileSystemRemover.Remove(tree));

            // Then the failure names the mount, the other file system was not entered, and the rest is gone
            Assert.Contains(mountPoint, error.Message, StringComparison.Ordinal);
            Assert.Contains("another file system", error.Message, StringComparison.Ordinal);
            Assert.Equal("keep me", File.ReadAllText(Path.Combine(mountPoint, "on-tmpfs")));
            Assert.False(File.Exists(Path.Combine(tree, "ordinary")));
        }
        finally
        {
            GuardedDelete.UnmountBelow(tree);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {errors}");
    }
}
