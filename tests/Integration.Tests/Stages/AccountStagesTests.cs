namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.groups and org.osbuild.users (1.21) on a Debian 12 tree.</summary>
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
    public async Task Users_FixturePasswordOnly_CreatesDefaultHomeAsOnFedora()
    {
        // osbuild's test/stages_tests/users/b.json: on Fedora useradd makes /home/test because login.defs says
        // CREATE_HOME yes; Debian's says nothing, and the stage must give the same result there.
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path,
            """{"users": {"test": {"password": "$6$s06sY2/bZbmuyE4a$JTn/Ki2jbNG.wGeCvt6mcjaIZ2HV.H8VjLzIMZs7f2G48NMFlcB2/OhbHZ6HhZAOcb.CmUb2qywSW2DkKe6gn0"}}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(File.ReadAllLines(tree.Combine("etc/passwd")), line => line.StartsWith("test:x:1000:1000::/home/test:", StringComparison.Ordinal));
        Assert.Equal("1000:1000", await Owner(tree.Combine("home/test")));
        Assert.Equal(tree.Read("etc/skel/.bashrc"), tree.Read("home/test/.bashrc"));
    }

    [Fact]
    public async Task Users_NewUserWithHomeAndKey_HomeMadeFromSkelOwnedByUser()
    {
        // The sample's case on Debian, whose login.defs has no CREATE_HOME: the home must appear anyway,
        // with its missing parent, so that the key has a place to go.
        using ScratchTree tree = await BookwormTree.CopyAsync();
        Assert.False(Directory.Exists(tree.Combine("srv/people")), "the base tree must not have the home's parent");
        string[] skel = Directory.GetFiles(tree.Combine("etc/skel")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.NotEmpty(skel);

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path,
            """{"users": {"carol": {"uid": 2345, "home": "/srv/people/carol", "shell": "/bin/bash", "key": "ssh-ed25519 AAAA carol@example"}}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        string home = tree.Combine("srv/people/carol");
        Assert.Contains("carol:x:2345:2345::/srv/people/carol:/bin/bash", File.ReadAllLines(tree.Combine("etc/passwd")));
        Assert.Equal("2345:2345", await Owner(home));
        Assert.Equal(skel, Directory.GetFiles(home).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (string file in skel)
        {
            Assert.Equal(tree.Read("etc/skel/" + file), tree.Read("srv/people/carol/" + file));
            Assert.Equal("2345:2345", await Owner(Path.Combine(home, file)));
        }

        Assert.Equal("ssh-ed25519 AAAA carol@example\n", tree.Read("srv/people/carol/.ssh/authorized_keys"));
        Assert.Equal("2345:2345", await Owner(tree.Combine("srv/people/carol/.ssh/authorized_keys")));
        Assert.Equal("2345:2345", await Owner(tree.Combine("srv/people/carol/.ssh")));
    }

    [Fact]
    public async Task Users_NewUserWhoseHomeExists_HomeLeftAlone()
    {
        using ScratchTree tree = await BookwormTree.CopyAsync();
        tree.Write("home/dave/notes.txt", "kept\n");

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"dave": {"home": "/home/dave"}}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(tree.Combine("home/dave")).Select(Path.GetFileName));
        Assert.Equal("0:0", await Owner(tree.Combine("home/dave")));
        Assert.Equal("0:0", await Owner(tree.Combine("home/dave/notes.txt")));
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
    public async Task Users_KeyForExistingUserWithoutHomeDirectory_FailsSayingSo()
    {
        // Debian's nobody has the home /nonexistent; only new users get their home made.
        using ScratchTree tree = await BookwormTree.CopyAsync();

        PluginResult result = await BuiltinPlugin.RunStageAsync("org.osbuild.users", tree.Path, """{"users": {"nobody": {"key": "ssh-rsa K"}}}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("home directory /nonexistent of user 'nobody' does not exist", result.Stderr);
        Assert.False(Directory.Exists(tree.Combine("nonexistent")));
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
