namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.groups (plugins.md 1.8) and org.osbuild.users (1.21) on a Debian 12 tree.</summary>
public sealed class AccountStagesTests
{
    [Fact]
    public async Task Groups_FixtureStringGid_AndZeroGidLetsGroupaddChoose()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.groups", tree.Path,
            """{"groups": {"testgroup": {"gid": "42042"}, "numeric": {"gid": 42050}, "chosen": {"gid": 0}}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] group = File.ReadAllLines(tree.Combine("etc/group"));
        Assert.Contains("testgroup:x:42042:", group);
        Assert.Contains("numeric:x:42050:", group);
        Assert.Contains(group, line => line.StartsWith("chosen:x:", StringComparison.Ordinal) && line != "chosen:x:0:");
        Assert.Contains($"--root {tree.Path} --gid 42042 testgroup", result.Stdout);
        Assert.Contains($"--root {tree.Path} chosen", result.Stdout);
    }

    [Fact]
    public async Task Groups_ExistingName_FailsWithGroupaddStatus()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.groups", tree.Path, """{"groups": {"adm": {}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed with exit status 9", result.Stderr);
    }

    [Fact]
    public async Task Users_NewUserAllOptions_UseraddWithDecimalIdsAndKey()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();
        Directory.CreateDirectory(tree.Combine("home/alice"));
        await BuiltinPlugin.RunStageAsync("org.osbuild.groups", tree.Path, """{"groups": {"team": {"gid": 4300}}}""");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """
            {"users": {"alice": {"uid": 1234, "gid": 4300, "groups": ["adm", "team"], "description": "Alice A",
              "home": "/home/alice", "shell": "/bin/bash", "password": "$6$salt$hash", "key": "ssh-ed25519 AAAA alice@example"}}}
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("alice:x:1234:4300:Alice A:/home/alice:/bin/bash", File.ReadAllLines(tree.Combine("etc/passwd")));
        Assert.Contains(File.ReadAllLines(tree.Combine("etc/shadow")), line => line.StartsWith("alice:$6$salt$hash:", StringComparison.Ordinal));
        Assert.Contains("adm:x:4:alice", File.ReadAllLines(tree.Combine("etc/group")));
        Assert.Equal("ssh-ed25519 AAAA alice@example\n", tree.Read("home/alice/.ssh/authorized_keys"));
        Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(tree.Combine("home/alice/.ssh")) & (UnixFileMode)0x1ff);
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(tree.Combine("home/alice/.ssh/authorized_keys")) & (UnixFileMode)0x1ff);
        Assert.Equal("1234:4300", await Owner(tree.Combine("home/alice/.ssh/authorized_keys")));
        Assert.Equal("1234:4300", await Owner(tree.Combine("home/alice/.ssh")));
    }

    [Fact]
    public async Task Users_FixturePasswordOnly_CreatesUserWithoutHome()
    {
        // osbuild's test/stages_tests/users/b.json; Debian's useradd makes no home without -m (HOST-NOTES).
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path,
            """{"users": {"test": {"password": "$6$s06sY2/bZbmuyE4a$JTn/Ki2jbNG.wGeCvt6mcjaIZ2HV.H8VjLzIMZs7f2G48NMFlcB2/OhbHZ6HhZAOcb.CmUb2qywSW2DkKe6gn0"}}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(File.ReadAllLines(tree.Combine("etc/passwd")), line => line.StartsWith("test:x:1000:1000::/home/test:", StringComparison.Ordinal));
        Assert.False(Directory.Exists(tree.Combine("home/test")));
    }

    [Fact]
    public async Task Users_ExistingUser_UsermodAppendsKeyTwice()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult first = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"root": {"shell": "/bin/sh", "key": "ssh-rsa K1"}}}""");
        PluginResult second = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"root": {"key": "ssh-rsa K2"}}}""");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"chroot {tree.Path} usermod --shell /bin/sh root", first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("usermod", second.Stdout);
        Assert.StartsWith("root:x:0:0:root:/root:/bin/sh", File.ReadAllLines(tree.Combine("etc/passwd"))[0]);
        Assert.Equal("ssh-rsa K1\nssh-rsa K2\n", tree.Read("root/.ssh/authorized_keys"));
    }

    [Fact]
    public async Task Users_UidForExistingUser_FailsWithOsbuildMessage()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"root": {"uid": 5}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: can't set uid of existing user 'root'\n", result.Stdout);
    }

    [Fact]
    public async Task Users_KeyWithoutHomeDirectory_FailsSayingSo()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"bob": {"key": "ssh-rsa K"}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("home directory /home/bob of user 'bob' does not exist", result.Stderr);
    }

    [Fact]
    public async Task Users_TreeWithoutUseradd_FailsNamingPackage()
    {
        using var tree = new ScratchTree();
        tree.Write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"bob": {}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("useradd not found in the tree", result.Stderr);
        Assert.Contains("passwd (Debian) / shadow-utils (Fedora)", result.Stderr);
    }

    [Fact]
    public async Task Groups_NoGroupaddInBuildRoot_FailsNamingPackage()
    {
        using var tree = new ScratchTree();
        using var emptyBin = new ScratchTree("engine-empty-path-");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.groups", tree.Path, """{"groups": {"g": {}}}""",
            new Dictionary<string, string?> { ["PATH"] = emptyBin.Path });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("groupadd not found in the build root", result.Stderr);
    }

    private static async Task<string> Owner(string path) => (await ProcessRunner.CheckedAsync("stat", "-c", "%u:%g", path)).Trim();
}
