namespace Engine.Integration.Tests.Runners;

/// <summary>org.osbuild.host in the container the host will make: cheap setup, then exec.</summary>
public sealed class HostRunnerTests
{
    [Fact]
    public async Task Host_Probe_ExecsPluginKeepingPidStdinAndFd3()
    {
        using var sandbox = new RunnerSandbox();

        SandboxResult result = await sandbox.RunAsync("host", [RunnerSandbox.Probe, "", "extra"], """{"tree": "/run/osbuild/tree", "options": {}}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("2", result.Value("pid"));
        Assert.Equal("1", result.Value("ppid"));
        Assert.Equal($"{RunnerSandbox.Probe}  extra", result.Value("argv"));
        Assert.Equal("""{"tree": "/run/osbuild/tree", "options": {}}""", result.Value("stdin"));
        Assert.Equal("open", result.Value("fd3"));
        Assert.Equal("fd3-ok\n", result.Fd3);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Host_Probe_NoSignalIgnoredOrBlocked()
    {
        // The .NET runtime ignores SIGPIPE; an exec'd plugin must not inherit that.
        using var sandbox = new RunnerSandbox();

        SandboxResult result = await sandbox.RunAsync("host", [RunnerSandbox.Probe, """
            echo "ignored=$(grep SigIgn /proc/self/status | cut -f2)"
            echo "blocked=$(grep SigBlk /proc/self/status | cut -f2)"
            """]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0000000000000000", result.Value("ignored"));
        Assert.Equal("0000000000000000", result.Value("blocked"));
    }

    [Fact]
    public async Task Host_Environment_AccountsLinksAndVarTmp()
    {
        using var sandbox = new RunnerSandbox();

        SandboxResult result = await sandbox.RunAsync("host", [RunnerSandbox.Probe, """
            echo "etc=$(ls -A /etc | tr '\n' ' ')"
            echo "passwd=$(head -n1 /etc/passwd)"
            echo "group=$(head -n1 /etc/group)"
            echo "mtab=$(readlink /etc/mtab)"
            echo "osrelease=$(readlink /etc/os-release)"
            echo "vartmp=$(stat -c %a /var/tmp)"
            echo "tmp=$(stat -c %a /tmp)"
            echo "owner=$(tar -cf - -C / etc/passwd 2>/dev/null | tar -tvf - | cut -d' ' -f2)"
            """]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("group mtab os-release passwd ", result.Value("etc"));
        // base-passwd's masters on Debian, a root-only line elsewhere.
        Assert.Matches(@"^root:[*x]:0:0:root:/root:/bin/(ba)?sh$", result.Value("passwd"));
        Assert.Matches(@"^root:[*x]:0:$", result.Value("group"));
        Assert.Equal("../proc/self/mounts", result.Value("mtab"));
        Assert.Equal("../usr/lib/os-release", result.Value("osrelease"));
        Assert.Equal("1777", result.Value("vartmp"));
        Assert.Equal("1777", result.Value("tmp"));
        Assert.Equal("root/root", result.Value("owner"));
    }
}
