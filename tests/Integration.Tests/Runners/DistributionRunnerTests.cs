using Engine.Integration.Tests.Stages;

namespace Engine.Integration.Tests.Runners;

/// <summary>
/// The runners of osbuild's build roots and org.osbuild.debian12, in the
/// container with this machine's /usr (Debian 12) or a debootstrapped bookworm tree as build root.
/// </summary>
public sealed class DistributionRunnerTests
{
    public static TheoryData<string> Osbuild2020Runners() => ["fedora27", "fedora30", "fedora31", "fedora32", "ubuntu1804", "rhel82"];

    [Theory]
    [MemberData(nameof(Osbuild2020Runners))]
    public async Task Osbuild2020Runner_HostUsr_PreparesEtcAndExecsPlugin(string runner)
    {
        using var sandbox = new RunnerSandbox();

        SandboxResult result = await sandbox.RunAsync(runner, [RunnerSandbox.Probe, Report], """{"tree": "/run/osbuild/tree"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2", result.Value("pid"));
        Assert.Equal("""{"tree": "/run/osbuild/tree"}""", result.Value("stdin"));
        Assert.Equal("fd3-ok\n", result.Fd3);
        Assert.Equal("yes", result.Value("ldcache"));
        Assert.Equal("root", result.Value("root"));
        Assert.Equal("no", result.Value("nsswitch"));
        Assert.Equal("1777", result.Value("vartmp"));
        if (File.Exists("/usr/sbin/update-ca-certificates"))
        {
            Assert.Equal("yes", result.Value("bundle"));
        }
    }

    public static TheoryData<string> AllRunners() => ["host", "debian12", "fedora27", "fedora30", "fedora31", "fedora32", "ubuntu1804", "rhel82"];

    [Theory]
    [MemberData(nameof(AllRunners))]
    public async Task Runner_HostBindsBuildRootEtc_SkipsThoseStepsAndExecsPlugin(string runner)
    {
        // Engine.Host binds the build root's loader cache, accounts, ssl, alternatives… read-only.
        using var sandbox = new RunnerSandbox(bindBuildRootEtc: true);

        SandboxResult result = await sandbox.RunAsync(runner, [RunnerSandbox.Probe, Report + "\necho \"passwd=$(wc -l < /etc/passwd)\""]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2", result.Value("pid"));
        Assert.Equal("fd3-ok\n", result.Fd3);
        Assert.Equal("yes", result.Value("ldcache"));
        Assert.Equal("root", result.Value("root"));
        Assert.Equal("1777", result.Value("vartmp"));
        Assert.Equal(File.ReadAllLines("/etc/passwd").Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Value("passwd"));
    }

    [Fact]
    public async Task Rhel82_HostUsr_WritesOsReleaseAndPythonAlternative()
    {
        using var sandbox = new RunnerSandbox();

        SandboxResult result = await sandbox.RunAsync("rhel82", [RunnerSandbox.Probe, "cat /etc/os-release; echo \"python3=$(readlink /etc/alternatives/python3)\""]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("""
            NAME="Red Hat Enterprise Linux"
            VERSION="8.2 (Ootpa)"
            ID="rhel"
            ID_LIKE="fedora"
            VERSION_ID="8.2"
            PLATFORM_ID="platform:el8"
            PRETTY_NAME="Red Hat Enterprise Linux 8.2 Beta (Ootpa)"
            ANSI_COLOR="0;31"
            CPE_NAME="cpe:/o:redhat:enterprise_linux:8.2:beta"
            HOME_URL="https://www.redhat.com/"
            BUG_REPORT_URL="https://bugzilla.redhat.com/"
            """, result.Stdout);
        Assert.Equal("/usr/bin/python3.6", result.Value("python3"));
    }

    [Fact]
    public async Task Debian12_BookwormTree_PreparesEtcAndExecsPlugin()
    {
        using var sandbox = new RunnerSandbox(await BookwormTree.CachedPathAsync());

        SandboxResult result = await sandbox.RunAsync("debian12", [RunnerSandbox.Probe, Report], """{"tree": "/run/osbuild/tree"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2", result.Value("pid"));
        Assert.Equal("""{"tree": "/run/osbuild/tree"}""", result.Value("stdin"));
        Assert.Equal("fd3-ok\n", result.Fd3);
        Assert.Equal("yes", result.Value("ldcache"));
        Assert.Equal("root", result.Value("root"));
        Assert.Equal("yes", result.Value("journalgroup"));
        Assert.Equal("1777", result.Value("vartmp"));
        Assert.Equal("no", result.Value("nsswitch"));
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Debian12_CaBundle_SameAsUpdateCaCertificates()
    {
        // fedora30 runs Debian's update-ca-certificates itself (step 5); debian12 computes the result.
        Requirements.Program("update-ca-certificates", "ca-certificates");
        using var sandbox = new RunnerSandbox();
        // The marker is spelled so that it appears in the output but not in the probe's argv line.
        const string Show = "echo '@@''@'; cat /etc/ssl/certs/ca-certificates.crt; echo '@@''@'; cd /etc/ssl/certs && for f in *.pem; do echo \"$f -> $(readlink $f)\"; done; echo '@@''@'; stat -c %a ca-certificates.crt; sort /etc/ca-certificates.conf";

        SandboxResult reference = await sandbox.RunAsync("fedora30", [RunnerSandbox.Probe, Show]);
        SandboxResult fast = await sandbox.RunAsync("debian12", [RunnerSandbox.Probe, Show]);

        Assert.True(reference.ExitCode == 0, reference.ToString());
        Assert.True(fast.ExitCode == 0, fast.ToString());
        string[] expected = reference.Stdout.Split("@@@\n");
        string[] actual = fast.Stdout.Split("@@@\n");
        Assert.Equal(4, expected.Length);
        Assert.Equal(4, actual.Length);
        Assert.True(expected[1].Length > 100_000, "the bundle holds the certificates");
        Assert.Equal(expected[1], actual[1]);
        Assert.Equal(expected[2], actual[2]);
        Assert.Equal(expected[3], actual[3]);
    }

    /// <summary>Probe snippet: one key=value line per fact the tests check.</summary>
    private const string Report = """
        [ -f /etc/ld.so.cache ] && echo ldcache=yes || echo ldcache=no
        echo "root=$(getent passwd 0 | cut -d: -f1)"
        grep -q '^systemd-journal:' /etc/group && echo journalgroup=yes || echo journalgroup=no
        [ -e /etc/nsswitch.conf ] && echo nsswitch=yes || echo nsswitch=no
        echo "vartmp=$(stat -c %a /var/tmp)"
        [ -s /etc/ssl/certs/ca-certificates.crt ] && echo bundle=yes || echo bundle=no
        """;
}
