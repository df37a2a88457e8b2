using System.Diagnostics;
using Engine.Integration.Tests.Stages;

namespace Engine.Integration.Tests.Runners;

/// <summary>
/// The container the host will give a runner (docs/protocol.md §2), made with
/// bubblewrap directly: a build root's /usr read-only (with its /bin, /sbin, /lib, /lib64 links),
/// empty private /etc, /var, /tmp and /run, /proc, /dev, a plugin tree at /run/osbuild/lib holding
/// the published executable, every runner name linked to it and a shell-script plugin
/// <c>stages/probe</c>; stdin as given and fd 3 open on a file the test reads afterwards. The
/// plugin runs in a new pid namespace, so a plugin that the runner exec'd is pid 2 with parent 1.
/// With <c>bindBuildRootEtc</c>, the build root's <c>/etc</c> is bound read-only at
/// /run/osbuild/buildroot-etc and the entries the host offers
/// (<see cref="Engine.Host.Isolation.BuildRoot.EtcEntries"/>) are symlinks into it, as the host does.
/// </summary>
internal sealed class RunnerSandbox : IDisposable
{
    public const string Probe = "/run/osbuild/lib/stages/probe";

    /// <summary>Reports what a plugin sees, then runs the shell snippet given as its first argument.</summary>
    private const string ProbeScript = """
        #!/bin/sh
        echo "pid=$$"
        echo "ppid=$PPID"
        echo "argv=$0 $*"
        echo "stdin=$(cat)"
        if echo fd3-ok >&3; then echo "fd3=open"; fi
        if [ -n "$1" ]; then eval "$1"; fi

        """;

    private static readonly string[] s_runners =
        ["host", "debian12", "fedora27", "fedora30", "fedora31", "fedora32", "rhel82", "ubuntu1804"];

    private readonly ScratchTree _scratch;
    private readonly string _buildRoot;
    private readonly bool _bindBuildRootEtc;
    private readonly bool _unsharePid;

    /// <param name="buildRoot">The tree whose /usr the container gets: "/" for the host.</param>
    /// <param name="bindBuildRootEtc">Bind the build root's /etc entries as Engine.Host does.</param>
    /// <param name="unsharePid">
    /// A new pid namespace (default). Without it, bwrap waits for the command itself, so the
    /// command's CPU time reaches the caller's <c>times</c> (used by the timing test).
    /// </param>
    public RunnerSandbox(string buildRoot = "/", bool bindBuildRootEtc = false, bool unsharePid = true)
    {
        _bindBuildRootEtc = bindBuildRootEtc;
        _unsharePid = unsharePid;
        Requirements.Root();
        Requirements.Program("bwrap", "bubblewrap");
        _buildRoot = buildRoot;
        _scratch = new ScratchTree("engine-runner-");
        string lib = _scratch.Combine("lib");
        Directory.CreateDirectory(Path.Join(lib, "runners"));
        Directory.CreateDirectory(Path.Join(lib, "stages"));
        File.Copy(BuiltinPlugin.BinaryPath, Path.Join(lib, "osbuild-builtin"));
        foreach (string runner in s_runners)
        {
            File.CreateSymbolicLink(Path.Join(lib, "runners", "org.osbuild." + runner), "../osbuild-builtin");
        }

        string probe = Path.Join(lib, "stages", "probe");
        File.WriteAllText(probe, ProbeScript);
        File.SetUnixFileMode(probe, (UnixFileMode)0x1ed);
        File.WriteAllText(Path.Join(lib, "stages", "not-executable"), "#!/bin/sh\n");
    }

    /// <summary>Runs <c>runners/org.osbuild.RUNNER ARGS…</c> in a fresh container.</summary>
    public async Task<SandboxResult> RunAsync(string runner, IReadOnlyList<string> arguments, string stdin = "{\"tree\": \"/run/osbuild/tree\"}")
        => await RunCommandAsync(["/run/osbuild/lib/runners/org.osbuild." + runner, .. arguments], stdin);

    /// <summary>Runs any command in a fresh container (for a baseline without runner).</summary>
    public async Task<SandboxResult> RunCommandAsync(IReadOnlyList<string> command, string stdin = "")
    {
        string fd3 = _scratch.Combine("fd3-" + Guid.NewGuid().ToString("N"));

        // bash opens fd 3 without close-on-exec and execs bwrap, which passes it on.
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-c", "exec 3>\"$1\"; shift; exec \"$@\"", "bash", fd3, .. BwrapArguments(), .. command])
        {
            startInfo.ArgumentList.Add(argument);
        }

        PluginResult result = await ProcessRunner.RunAsync(startInfo, stdin);
        return new SandboxResult(result.ExitCode, result.Stdout, result.Stderr, File.Exists(fd3) ? File.ReadAllText(fd3) : "");
    }

    /// <summary>The bwrap command line that runs <paramref name="command"/> in this container (no fd 3).</summary>
    public IReadOnlyList<string> Command(IReadOnlyList<string> command) => [.. BwrapArguments(), .. command];

    private List<string> BwrapArguments()
    {
        var arguments = new List<string>
        {
            "bwrap", "--die-with-parent",
            "--ro-bind", Path.Join(_buildRoot, "usr"), "/usr",
        };
        if (_unsharePid)
        {
            arguments.Insert(1, "--unshare-pid");
        }

        foreach (string top in new[] { "bin", "sbin", "lib", "lib64" })
        {
            var info = new FileInfo(Path.Join(_buildRoot, top));
            if (info.LinkTarget is { } target)
            {
                arguments.AddRange(["--symlink", target, "/" + top]);
            }
            else if (Directory.Exists(info.FullName))
            {
                arguments.AddRange(["--ro-bind", info.FullName, "/" + top]);
            }
        }

        arguments.AddRange(["--tmpfs", "/etc"]);
        if (_bindBuildRootEtc)
        {
            foreach (string entry in global::Engine.Host.Isolation.BuildRoot.EtcEntries)
            {
                var info = new FileInfo(Path.Join(_buildRoot, "etc", entry));
                if (info.LinkTarget is { } target)
                {
                    arguments.AddRange(["--symlink", target, "/etc/" + entry]);
                }
                else if (info.Exists || Directory.Exists(info.FullName))
                {
                    arguments.AddRange(["--symlink", global::Engine.Protocol.ContainerPaths.BuildRootEtc + "/" + entry, "/etc/" + entry]);
                }
            }
        }

        arguments.AddRange([
            "--tmpfs", "/var", "--tmpfs", "/tmp", "--tmpfs", "/run",
            "--proc", "/proc", "--dev", "/dev",
            "--ro-bind", _scratch.Combine("lib"), "/run/osbuild/lib",
        ]);
        if (_bindBuildRootEtc)
        {
            arguments.AddRange(["--ro-bind", Path.Join(_buildRoot, "etc"), global::Engine.Protocol.ContainerPaths.BuildRootEtc]);
        }

        arguments.AddRange([
            "--chdir", "/",
            "--clearenv", "--setenv", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ]);
        return arguments;
    }

    public void Dispose() => _scratch.Dispose();
}

/// <summary>What a sandboxed run left: status, output and what was written to fd 3.</summary>
internal sealed record SandboxResult(int ExitCode, string Stdout, string Stderr, string Fd3)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}--- fd 3\n{Fd3}";

    /// <summary>The value of a <c>key=value</c> line of the probe's output.</summary>
    public string? Value(string key)
        => Stdout.Split('\n').FirstOrDefault(line => line.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
}
