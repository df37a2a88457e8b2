using System.Diagnostics;
using System.Runtime.Versioning;
using Engine.Host.Diff;
using Engine.Host.Json;
using Engine.Native;

namespace Engine.Host.Tests.Diff;

/// <summary>
/// tree-diff against osbuild's format on real trees under /var/tmp. Lists follow the file
/// system's directory order, so whole reports are checked through <see cref="TreeDiffReportMatcher"/>
/// and exact text only where a tree has one entry per list.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class TreeDiffTests : IDisposable
{
    /// <summary>A report in osbuild's format, byte for byte.</summary>
    private const string SpecExample =
        """
        {
          "added_files": [
            "/new",
            "/newdir",
            "/newdir/inner",
            "/caf\u00e9"
          ],
          "deleted_files": [
            "/d/sub",
            "/d/sub/x"
          ],
          "differences": {
            "/m": {
              "mode": [
                33152,
                33188
              ]
            },
            "/o": {
              "uid": [
                0,
                1
              ],
              "gid": [
                0,
                2
              ]
            },
            "/f": {
              "content": [
                "sha256:87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7",
                "sha256:0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f"
              ]
            },
            "/l": {
              "symlink": [
                "one",
                "two"
              ]
            }
          }
        }

        """;

    private readonly string _work = Path.Combine("/var/tmp", "tree-diff-test-" + Guid.NewGuid().ToString("N"));
    private readonly string _before;
    private readonly string _after;

    public TreeDiffTests()
    {
        _before = Path.Combine(_work, "before");
        _after = Path.Combine(_work, "after");
        Directory.CreateDirectory(_work);
    }

    public void Dispose() => Run("rm", "-rf", "--one-file-system", _work);

    [Fact]
    public void Compare_SpecExampleTrees_MatchesSpecReport()
    {
        // Given the before/after trees described above the example.
        Shell(
            """
            set -e
            umask 022
            mkdir "$B" "$A"
            printf 'a\n' > "$B/f"; printf 'b\n' > "$A/f"
            : > "$B/m"; chmod 0600 "$B/m"; : > "$A/m"; chmod 0644 "$A/m"
            ln -s one "$B/l"; ln -s two "$A/l"
            mkdir -p "$B/d/sub"; : > "$B/d/sub/x"; mkdir "$A/d"
            : > "$B/o"; : > "$A/o"; chown 1:2 "$A/o"
            : > "$A/new"; mkdir "$A/newdir"; : > "$A/newdir/inner"; : > "$A/$(printf 'caf\303\251')"
            """);

        // When
        JValue.Object report = TreeDiff.Compare(_before, _after);

        // Then: same content; the order of lists may differ with the file system.
        Assert.Empty(TreeDiffReportMatcher.FindMismatches(JsonTextParser.Parse(SpecExample, "example"), report));
        Assert.Equal(["added_files", "deleted_files", "differences"], report.Members.Select(m => m.Key));
        var o = Assert.IsType<JValue.Object>(Assert.IsType<JValue.Object>(report["differences"])["/o"]);
        Assert.Equal(["uid", "gid"], o.Members.Select(m => m.Key));
    }

    [Fact]
    public void Render_SpecExampleReport_IsByteIdentical()
    {
        // Given the spec's report as a value, members in the spec's order.
        JValue report = JsonTextParser.Parse(SpecExample, "example");

        // When / Then
        Assert.Equal(SpecExample, TreeDiff.Render(report));
    }

    [Fact]
    public void CompareAndRender_SingleContentChange_PrintsExactReport()
    {
        Shell(
            """
            set -e
            mkdir "$B" "$A"
            printf 'a\n' > "$B/x"; printf 'b\n' > "$A/x"
            """);

        string text = TreeDiff.Render(TreeDiff.Compare(_before, _after));

        Assert.Equal(
            """
            {
              "added_files": [],
              "deleted_files": [],
              "differences": {
                "/x": {
                  "content": [
                    "sha256:87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7",
                    "sha256:0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f"
                  ]
                }
              }
            }

            """,
            text);
    }

    [Fact]
    public void CompareAndRender_IdenticalTrees_PrintsEmptyReport()
    {
        Shell("set -e; mkdir \"$B\" \"$A\"; echo same > \"$B/s\"; echo same > \"$A/s\"; ln -s s \"$B/l\"; ln -s s \"$A/l\"");

        Assert.Equal(
            "{\n  \"added_files\": [],\n  \"deleted_files\": [],\n  \"differences\": {}\n}\n",
            TreeDiff.Render(TreeDiff.Compare(_before, _after)));
    }

    [Fact]
    public void Compare_DirectoryModeDiffers_DoesNotDescend()
    {
        // Given /x with different modes and different children on each side.
        Shell(
            """
            set -e
            mkdir -p "$B/x/gone" "$A/x/new"
            printf 1 > "$B/x/f"; printf 2 > "$A/x/f"
            chmod 0755 "$B/x"; chmod 0700 "$A/x"
            """);

        JValue.Object report = TreeDiff.Compare(_before, _after);

        Assert.Equal(
            "{\"added_files\": [], \"deleted_files\": [], \"differences\": {\"/x\": {\"mode\": [16877, 16832]}}}",
            PythonJson.Compact(report));
    }

    [Fact]
    public void Compare_FileBecomesDirectory_OnlyModeRecorded()
    {
        Shell("set -e; mkdir \"$B\" \"$A\"; printf 1 > \"$B/x\"; chmod 0644 \"$B/x\"; mkdir -m 0755 \"$A/x\"; : > \"$A/x/inner\"; chown 5:5 \"$A/x\"");

        Assert.Equal(
            "{\"added_files\": [], \"deleted_files\": [], \"differences\": {\"/x\": {\"mode\": [33188, 16877]}}}",
            PythonJson.Compact(TreeDiff.Compare(_before, _after)));
    }

    [Fact]
    public void Compare_OwnerAndContentDiffer_KindsInSpecOrder()
    {
        // uid/gid come before content within one path; a gid-only change records only gid.
        Shell(
            """
            set -e
            mkdir "$B" "$A"
            printf 1 > "$B/f"; printf 2 > "$A/f"; chown 7:8 "$A/f"
            printf 1 > "$B/g"; printf 1 > "$A/g"; chown 0:9 "$A/g"
            """);

        var differences = Assert.IsType<JValue.Object>(TreeDiff.Compare(_before, _after)["differences"]);

        Assert.Equal(
            "{\"uid\": [0, 7], \"gid\": [0, 8], \"content\": [\"sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b\", \"sha256:d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35\"]}",
            PythonJson.Compact(differences["/f"]!));
        Assert.Equal("{\"gid\": [0, 9]}", PythonJson.Compact(differences["/g"]!));
    }

    [Fact]
    public void Compare_RootModesDiffer_RecordsRootAndStillDescends()
    {
        // The rpm fixture's case: an empty 0700 directory against a 0755 tree.
        Shell("set -e; mkdir -m 0700 \"$B\"; mkdir -m 0755 \"$A\"; mkdir \"$A/var\"; : > \"$A/var/x\"");

        JValue.Object report = TreeDiff.Compare(_before, _after);

        Assert.Equal(
            "{\"added_files\": [\"/var\", \"/var/x\"], \"deleted_files\": [], \"differences\": {\"/\": {\"mode\": [16832, 16877]}}}",
            PythonJson.Compact(report));
    }

    [Fact]
    public void Compare_DeletedAndAddedDirectories_ListDescendantsPreOrder()
    {
        Shell(
            """
            set -e
            mkdir "$B" "$A"
            mkdir -p "$B/a/b/c" "$A/z/y"
            : > "$B/a/b/c/f"; : > "$B/a/g"; ln -s a "$B/link-to-dir"
            : > "$A/z/y/h"
            """);

        JValue.Object report = TreeDiff.Compare(_before, _after);
        var deleted = Paths(report, "deleted_files");
        var added = Paths(report, "added_files");

        Assert.Equal(["/a", "/a/b", "/a/b/c", "/a/b/c/f", "/a/g", "/link-to-dir"], deleted.Order(StringComparer.Ordinal));
        Assert.True(deleted.IndexOf("/a") < deleted.IndexOf("/a/b") && deleted.IndexOf("/a/b") < deleted.IndexOf("/a/b/c") && deleted.IndexOf("/a/b/c") < deleted.IndexOf("/a/b/c/f"), string.Join(" ", deleted));
        Assert.Equal(["/z", "/z/y", "/z/y/h"], added);
    }

    [Fact]
    public void Compare_UndecodableNamesAndTargets_EscapedAsSurrogates()
    {
        Shell(
            """
            set -e
            mkdir "$B" "$A"
            : > "$A/$(printf 'n\377')"
            ln -s "$(printf 't\376')" "$B/l"; ln -s "$(printf 't\375')" "$A/l"
            """);

        string text = TreeDiff.Render(TreeDiff.Compare(_before, _after));

        Assert.Contains("\"/n\\udcff\"", text, StringComparison.Ordinal);
        Assert.Contains("\"t\\udcfe\",\n        \"t\\udcfd\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_RootsAreSymlinks_FollowsThem()
    {
        Shell("set -e; mkdir \"$B\" \"$A\"; printf 1 > \"$B/x\"; printf 2 > \"$A/x\"; ln -s \"$B\" \"$B.ref\"; ln -s \"$A\" \"$A.ref\"");

        var differences = Assert.IsType<JValue.Object>(TreeDiff.Compare(_before + ".ref", _after + ".ref")["differences"]);

        Assert.Equal(["/x"], differences.Members.Select(m => m.Key));
    }

    [Fact]
    public void Compare_MissingRoot_FailsNamingIt()
    {
        Directory.CreateDirectory(_after);
        var error = Assert.ThrowsAny<IOException>(() => TreeDiff.Compare(_before, _after));
        Assert.Contains(_before, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_SelinuxLabelsDiffer_RecordedStrippedAndFirst()
    {
        // Given labels that differ (one with setfiles' trailing NUL), and a mode change on the same file.
        Shell("set -e; mkdir \"$B\" \"$A\"; : > \"$B/f\"; : > \"$A/f\"; chmod 0600 \"$A/f\"; : > \"$B/same\"; : > \"$A/same\"; : > \"$B/one\"; : > \"$A/one\"");
        try
        {
            SelinuxLabels.Set(Path.Combine(_before, "f"), "system_u:object_r:etc_t:s0\0"u8);
            SelinuxLabels.Set(Path.Combine(_after, "f"), "\nsystem_u:object_r:shadow_t:s0\n\0"u8);
            SelinuxLabels.Set(Path.Combine(_before, "same"), "a_u:b_r:c_t:s0"u8);
            SelinuxLabels.Set(Path.Combine(_after, "same"), "a_u:b_r:c_t:s0"u8);
            SelinuxLabels.Set(Path.Combine(_before, "one"), "a_u:b_r:c_t:s0"u8);
        }
        catch (IOException e)
        {
            Assert.Skip("cannot set security.selinux under /var/tmp here: " + e.Message);
        }

        var differences = Assert.IsType<JValue.Object>(TreeDiff.Compare(_before, _after)["differences"]);

        // Only one side labelled ("one"): nothing to compare, as in the reference.
        Assert.Equal(["/f"], differences.Members.Select(m => m.Key));
        Assert.Equal(
            "{\"selinux\": [\"system_u:object_r:etc_t:s0\", \"system_u:object_r:shadow_t:s0\"], \"mode\": [33188, 33152]}",
            PythonJson.Compact(differences["/f"]!));
    }

    private static List<string> Paths(JValue.Object report, string key)
        => [.. Assert.IsType<JValue.Array>(report[key]).Items.Select(i => Assert.IsType<JValue.String>(i).Value)];

    /// <summary>Runs a /bin/sh script with $B and $A set to the before- and after-tree paths.</summary>
    private void Shell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardError = true };
        start.Environment["B"] = _before;
        start.Environment["A"] = _after;
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sh failed ({process.ExitCode}): {stderr}");
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments))!;
        process.WaitForExit();
    }
}
