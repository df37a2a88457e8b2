using System.Diagnostics;
using Engine.Host.Diff;
using Engine.Host.Json;
using Engine.Host.Store;

namespace Engine.Integration.Tests.Engine;

/// <summary>
/// Starting from a cached tree through an overlay (Store/OverlayTree.cs) must give exactly the tree
/// that a copy of the base gives after the same changes, and must never change the base.
/// </summary>
public sealed class OverlayTreeTests
{
    // Every kind of change a stage makes, each of which overlayfs records differently in its upper
    // layer: copy-up of content and of metadata only, whiteouts, an opaque directory replacing a
    // deleted one, directory renames in place and across directories (redirects), new entries of
    // every type, a new hard link to a base file, a new attribute.
    private const string Changes = """
        set -e
        echo changed >> etc/appended
        chmod 0600 etc/chmodded
        rm etc/deleted
        rm -r usr/share/gone
        rm -r usr/share/replaced && mkdir usr/share/replaced && echo new > usr/share/replaced/x
        mv usr/lib/moved usr/lib/renamed
        mv usr/lib/deep usr/moved-up
        mv etc/plain etc/plain-renamed
        ln etc/linked etc/linked-again
        echo data > new-file
        mkdir -p new/dir && ln -s ../new-file new/link
        python3 -c 'import os; os.setxattr("etc/labelled", "user.stage", b"yes", follow_symlinks=False)'
        chmod 0700 usr
        chown 1000:1000 usr/share
        """;

    private const string BaseTree = """
        set -e
        mkdir -p etc usr/share/gone/sub usr/share/replaced usr/lib/moved/inner usr/lib/deep/er usr/share/kept
        for f in appended chmodded deleted plain linked labelled untouched; do echo "$f" > "etc/$f"; done
        echo old > usr/share/gone/sub/file; echo old > usr/share/replaced/old
        echo moved > usr/lib/moved/inner/file; echo deep > usr/lib/deep/er/file
        ln etc/untouched usr/share/kept/hardlink
        ln -s ../etc/untouched usr/share/kept/symlink
        chmod 4755 etc/untouched
        chmod 0750 usr/lib/deep
        chown -R 1000:1000 usr/lib/moved
        python3 -c 'import os; os.setxattr("usr/share/kept", "user.base", b"dir", follow_symlinks=False)'
        """;

    [Fact]
    public void EveryKindOfChange_OverlayThenMaterialize_EqualsCopyThenChange()
    {
        SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        // Given a base tree, as a stored object would be
        string baseTree = Directory.CreateDirectory(Path.Combine(scratch.Root, "base")).FullName;
        Shell(BaseTree, baseTree);
        string baseSumBefore = TreeSum.Compute(baseTree, CancellationToken.None);

        // And the reference: a copy of it, changed
        string copy = Path.Combine(scratch.Root, "copy");
        Run("cp", "-a", baseTree, copy);
        Shell(Changes, copy);

        // When the same changes are made through an overlay over the base, and the result materialized
        string workspace = Directory.CreateDirectory(Path.Combine(scratch.Root, "workspace")).FullName;
        string result = Path.Combine(workspace, "result");
        using (OverlayTree overlay = OverlayTree.TryMount(baseTree, workspace, out string? whyNot)
            ?? throw new InvalidOperationException(whyNot))
        {
            Shell(Changes, overlay.Tree);
            Assert.False(overlay.IsUnchanged());
            overlay.Materialize(result, CancellationToken.None);
        }

        // Then the result is the changed copy, entry for entry, and hashes the same
        JValue.Object difference = TreeDiff.Compare(copy, result);
        Assert.True(IsEmptyDiff(difference), TreeDiff.Render(difference));
        Assert.Equal(TreeSum.Compute(copy, CancellationToken.None), TreeSum.Compute(result, CancellationToken.None));

        // And the base is exactly as it was, and shares its untouched files with the result instead of copying them
        Assert.Equal(baseSumBefore, TreeSum.Compute(baseTree, CancellationToken.None));
        Assert.Equal(Inode(Path.Combine(baseTree, "usr/share/kept/hardlink")), Inode(Path.Combine(result, "usr/share/kept/hardlink")));
        Assert.Equal(Inode(Path.Combine(result, "etc/untouched")), Inode(Path.Combine(result, "usr/share/kept/hardlink")));
        Assert.NotEqual(Inode(Path.Combine(baseTree, "etc/appended")), Inode(Path.Combine(result, "etc/appended")));
        Assert.Empty(GuardedDelete.MountPointsBelow(workspace));
    }

    [Fact]
    public void NothingChanged_IsUnchanged_AndAnyChangeIsSeen()
    {
        SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        string baseTree = Directory.CreateDirectory(Path.Combine(scratch.Root, "base")).FullName;
        Shell(BaseTree, baseTree);
        File.SetUnixFileMode(baseTree, (UnixFileMode)0x1c0); // 0700: the merged root must show the base's mode

        foreach (string change in new[] { "", "cat etc/plain >/dev/null; ls -R >/dev/null", "chmod 0755 .", "echo x >> etc/plain", "rm etc/plain" })
        {
            string workspace = Directory.CreateDirectory(Path.Combine(scratch.Root, "ws-" + Guid.NewGuid().ToString("N"))).FullName;
            using OverlayTree overlay = OverlayTree.TryMount(baseTree, workspace, out string? whyNot) ?? throw new InvalidOperationException(whyNot);
            Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(overlay.Tree));
            if (change.Length > 0)
            {
                Shell(change, overlay.Tree);
            }

            bool readOnly = change.Length == 0 || change.StartsWith("cat", StringComparison.Ordinal);
            Assert.True(overlay.IsUnchanged() == readOnly, $"'{change}': IsUnchanged() = {overlay.IsUnchanged()}");
        }
    }

    [Fact]
    public void CachedBase_BuildThroughHost_SameTreeAsWithACopiedBase()
    {
        SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        string plugins = Path.Combine(Osbuild.Fixtures, "plugins");
        string first = """{"name": "org.test.populate", "options": {}}""";
        string second = """{"name": "org.test.modify", "options": {}}""";
        string baseOnly = scratch.File("base.json", $$$"""{"pipeline": {"stages": [{{{first}}}]}}""");
        string both = scratch.File("both.json", $$$"""{"pipeline": {"stages": [{{{first}}}, {{{second}}}]}}""");

        // When the two-stage pipeline is built on a store that has its first stage (overlay), and on one where the copy is forced
        string overlaid = Path.Combine(scratch.Root, "overlaid");
        string copied = Path.Combine(scratch.Root, "copied");
        string baseId = "";
        foreach (string store in new[] { overlaid, copied })
        {
            Osbuild.Result cached = Osbuild.Run(["--store", store, "--plugin-path", plugins, "--json", baseOnly]);
            Assert.True(cached.ExitCode == 0, cached.ToString());
            baseId = ((JValue.String)cached.Json["tree_id"]!).Value;
        }

        Osbuild.Result viaOverlay = Osbuild.Run(["--store", overlaid, "--plugin-path", plugins, "--json", both]);
        Osbuild.Result viaCopy = Osbuild.Run(["--store", copied, "--plugin-path", plugins, "--json", both], environment: new Dictionary<string, string> { ["OSBUILD_BASE"] = "copy" });

        // Then both ran only the second stage, and stored the same tree (the object is named by its treesum)
        Assert.True(viaOverlay.ExitCode == 0, viaOverlay.ToString());
        Assert.True(viaCopy.ExitCode == 0, viaCopy.ToString());
        Assert.Single(((JValue.Array)viaOverlay.Json["stages"]!).Items);
        string treeId = ((JValue.String)viaOverlay.Json["tree_id"]!).Value;
        string overlayObject = new FileInfo(Path.Combine(overlaid, "refs", treeId)).LinkTarget!;
        Assert.Equal(new FileInfo(Path.Combine(copied, "refs", treeId)).LinkTarget, overlayObject);
        Assert.Equal("hello\nmodified\n", File.ReadAllText(Path.Combine(overlaid, "refs", treeId, "dir", "file")));
        Assert.True(File.Exists(Path.Combine(overlaid, "refs", treeId, "dir", "renamed", "owned")));

        // And only the overlay shares the untouched files with the base instead of copying them
        string Untouched(string store, string id) => Inode(Path.Combine(store, "refs", id, "gr\u00fcn"));
        Assert.Equal(Untouched(overlaid, baseId), Untouched(overlaid, treeId));
        Assert.NotEqual(Untouched(copied, baseId), Untouched(copied, treeId));
        Assert.Empty(GuardedDelete.MountPointsBelow(overlaid));
        Assert.Equal(["objects", "provenance", "refs"], Directory.GetFileSystemEntries(overlaid).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void CheckpointThenChanges_OverlayAndCopy_StoreTheSameTwoTreesAndTheCheckpointStaysIntact()
    {
        SkipUnlessOverlayWorks();
        using var scratch = new TempStore();
        string plugins = Path.Combine(Osbuild.Fixtures, "plugins");
        string manifest = scratch.File("both.json", """{"pipeline": {"stages": [{"name": "org.test.populate", "options": {}}, {"name": "org.test.modify", "options": {}}, {"name": "org.osbuild.noop", "options": {}}]}}""");
        var inspected = (JValue.Object)JsonTextParser.Parse(Osbuild.Run(["--inspect", "--plugin-path", plugins, manifest]).Stdout, "inspect");
        var firstStage = (JValue.Object)((JValue.Array)((JValue.Object)inspected["pipeline"]!)["stages"]!).Items[0];
        string checkpointId = ((JValue.String)firstStage["id"]!).Value;

        // When the pipeline is built with a checkpoint after its first stage: through overlays, and with copies
        string overlaid = Path.Combine(scratch.Root, "overlaid");
        string copied = Path.Combine(scratch.Root, "copied");
        Osbuild.Result viaOverlay = Osbuild.Run(["--store", overlaid, "--plugin-path", plugins, "--json", "--checkpoint", checkpointId, manifest]);
        Osbuild.Result viaCopy = Osbuild.Run(["--store", copied, "--plugin-path", plugins, "--json", "--checkpoint", checkpointId, manifest],
            environment: new Dictionary<string, string> { ["OSBUILD_BASE"] = "copy" });
        Assert.True(viaOverlay.ExitCode == 0, viaOverlay.ToString());
        Assert.True(viaCopy.ExitCode == 0, viaCopy.ToString());

        // Then both stores hold the same checkpoint and the same final tree
        string treeId = ((JValue.String)viaOverlay.Json["tree_id"]!).Value;
        foreach (string id in new[] { checkpointId, treeId })
        {
            Assert.Equal(new FileInfo(Path.Combine(copied, "refs", id)).LinkTarget, new FileInfo(Path.Combine(overlaid, "refs", id)).LinkTarget);
        }

        // And the stage after the checkpoint did not change the checkpoint's files (they are shared, not copied)
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(overlaid, "refs", checkpointId, "dir", "file")));
        Assert.Equal("hello\nmodified\n", File.ReadAllText(Path.Combine(overlaid, "refs", treeId, "dir", "file")));
        Assert.Equal(Inode(Path.Combine(overlaid, "refs", checkpointId, "gr\u00fcn")), Inode(Path.Combine(overlaid, "refs", treeId, "gr\u00fcn")));
        Assert.Empty(GuardedDelete.MountPointsBelow(overlaid));
    }

    /// <summary>Skips (with the kernel's reason) where overlayfs cannot be mounted; the host copies there instead.</summary>
    internal static void SkipUnlessOverlayWorks()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "mounting an overlay needs root");
        using var scratch = new TempStore();
        string lower = Directory.CreateDirectory(Path.Combine(scratch.Root, "lower")).FullName;
        string workspace = Directory.CreateDirectory(Path.Combine(scratch.Root, "workspace")).FullName;
        using OverlayTree? probe = OverlayTree.TryMount(lower, workspace, out string? whyNot);
        Assert.SkipWhen(probe is null, $"overlayfs does not work here ({whyNot}); the host falls back to copying, which the other build tests cover");
    }

    private static bool IsEmptyDiff(JValue.Object difference)
        => difference.Members.All(m => m.Value is JValue.Array { Items.Length: 0 } or JValue.Object { Members.Length: 0 });

    private static string Inode(string path)
    {
        using Process stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%d:%i", path]) { RedirectStandardOutput = true })!;
        string output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }

    private static void Shell(string script, string directory)
    {
        using Process sh = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { WorkingDirectory = directory, RedirectStandardError = true })!;
        string errors = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        Assert.True(sh.ExitCode == 0, $"in {directory}: {errors}");
    }

    private static void Run(string program, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {errors}");
    }
}
