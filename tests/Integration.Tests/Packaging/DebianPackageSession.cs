using Engine.Integration.Tests.Engine;
using Engine.Integration.Tests.Scaffolding;

namespace Engine.Integration.Tests.Packaging;

/// <summary>
/// Everything <see cref="DebianPackageTests"/> looks at, done once in order: build the package
/// (packaging/build-deb.sh on the out/ of ./build.sh), install it into a fresh Debian 12 root, use
/// it there as a user would, then remove it (purge) and look for what is left. The results are kept
/// so each test can check one of them, and removal comes last whatever order the tests run in.
/// </summary>
public sealed class DebianPackageSession : IDisposable
{
    private const string NoopTarManifest = """
        {"pipeline": {"stages": [{"name": "org.osbuild.noop", "options": {"zero": 0}}],
                      "assembler": {"name": "org.osbuild.tar", "options": {"filename": "tree.tar"}}}}
        """;

    private const string DebootstrapManifest = """
        {"pipeline": {"stages": [{"name": "org.osbuild.debootstrap", "options": {"suite": "bookworm"}}]}}
        """;

    private readonly InstalledDebianRoot? _root;

    public DebianPackageSession()
    {
        if (!Osbuild.IsRoot)
        {
            SkipReason = "installing a package into a chroot needs root";
            return;
        }

        foreach (string tool in new[] { "/usr/sbin/debootstrap", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-shlibdeps" })
        {
            if (!File.Exists(tool))
            {
                SkipReason = $"{tool} is not installed (setup.sh installs debootstrap and dpkg-dev)";
                return;
            }
        }

        if (!File.Exists(InstalledDebianRoot.BuiltOsbuild))
        {
            SkipReason = $"{InstalledDebianRoot.BuiltOsbuild} is missing: run ./build.sh first";
            return;
        }

        BuiltVersion = ProcessRun.Run(InstalledDebianRoot.BuiltOsbuild, ["--version"], TimeSpan.FromMinutes(1)).Stdout.Trim();
        PackageBuild = ProcessRun.Run(Path.Combine(Osbuild.RepoRoot, "packaging", "build-deb.sh"), [], TimeSpan.FromMinutes(5));
        if (PackageBuild.ExitCode != 0)
        {
            return;
        }

        string package = PackageBuild.Stdout.Split('\n').Single(l => l.StartsWith("built: ", StringComparison.Ordinal))["built: ".Length..].Trim();
        PackageFile = package;
        _root = InstalledDebianRoot.Create(package, out string? skip, out ProcessRun.Result install);
        Install = install;
        if (_root is null)
        {
            SkipReason = skip;
            return;
        }

        if (install.ExitCode != 0)
        {
            return;
        }

        HasDotnet = File.Exists(_root.HostPath("/usr/bin/dotnet")) || Directory.Exists(_root.HostPath("/usr/share/dotnet")) || Directory.Exists(_root.HostPath("/usr/lib/dotnet"));
        Version = _root.Shell("osbuild --version");
        PluginsList = _root.Shell("osbuild plugins list");
        File.Copy(Path.Combine(Osbuild.RepoRoot, "samples", "debian-bookworm-qcow2.json"), _root.HostPath("/root/sample.json"));
        Inspect = _root.Shell("cd /root && osbuild --inspect sample.json");
        InspectOnHost = ProcessRun.Run(InstalledDebianRoot.BuiltOsbuild, ["--inspect", _root.HostPath("/root/sample.json")], TimeSpan.FromMinutes(1));

        File.WriteAllText(_root.HostPath("/root/noop-tar.json"), NoopTarManifest);
        NoopBuild = _root.Shell("cd /root && osbuild --store /var/tmp/osbuild-store --json noop-tar.json", TimeSpan.FromMinutes(5));
        if (NoopBuild.ExitCode == 0 && System.Text.Json.JsonDocument.Parse(NoopBuild.Stdout).RootElement.GetProperty("output_id").GetString() is string output)
        {
            string archive = _root.HostPath($"/var/tmp/osbuild-store/refs/{output}/tree.tar");
            ArchiveListing = File.Exists(archive) ? ProcessRun.Run("tar", ["-tvf", archive], TimeSpan.FromMinutes(1)) : null;
        }

        File.WriteAllText(_root.HostPath("/root/debootstrap.json"), DebootstrapManifest);
        MissingToolBuild = _root.Shell("cd /root && osbuild --store /var/tmp/osbuild-store debootstrap.json", TimeSpan.FromMinutes(5));
        DescribeDebootstrap = _root.Shell("osbuild plugins describe org.osbuild.debootstrap");

        NewPlugin = _root.Shell("cd /root && osbuild new stage org.example.hello --lang sh --output my-plugins && test -x my-plugins/stages/org.example.hello && osbuild --plugin-path my-plugins plugins describe org.example.hello");
        Man = _root.Shell("MANWIDTH=100 man -P cat osbuild");
        Completion = _root.Shell("""
            exec bash -c 'source /usr/share/bash-completion/completions/osbuild && complete -p osbuild &&
                complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _osbuild; printf "%s\n" "${COMPREPLY[@]}" | sort; echo --; }
                cd "$(mktemp -d)"
                complete_words osbuild ""
                complete_words osbuild plugins describe org.osbuild.ta
                complete_words osbuild plugins list --'
            """);

        InstallAndPurgeService();

        // Removal: every file the package installed, and nothing named after it, must be gone.
        ProcessRun.Result listed = _root.Shell("dpkg -L osbuild-engine");
        InstalledPaths = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ProcessRun.Run("rm", ["-rf", "--one-file-system", "--", _root.HostPath("/var/tmp/osbuild-store"), _root.HostPath("/root")], TimeSpan.FromMinutes(1));
        Purge = _root.Shell("apt-get purge -y -q osbuild-engine", TimeSpan.FromMinutes(5));
        LeftAfterPurge = [.. InstalledPaths.Where(p => !IsSharedDirectory(p) && (File.Exists(_root.HostPath(p)) || Directory.Exists(_root.HostPath(p))))];
        NamedAfterPurge = _root.Shell("find / -xdev -name '*osbuild*'");
    }

    public string? SkipReason { get; }

    public ProcessRun.Result? ServicePackageBuild { get; private set; }

    public string ServiceDepends { get; private set; } = "";

    public ProcessRun.Result? ServiceInstall { get; private set; }

    /// <summary>After installing osbuild-service: its user, its folders, its conffiles, enabled units.</summary>
    public ProcessRun.Result? ServiceState { get; private set; }

    public ProcessRun.Result? ServicePurge { get; private set; }

    public IReadOnlyList<string> ServiceInstalledPaths { get; private set; } = [];

    public IReadOnlyList<string> ServiceLeftAfterPurge { get; private set; } = [];

    public bool ServiceDataKeptAfterPurge { get; private set; }

    public string? BuiltVersion { get; }

    public ProcessRun.Result? PackageBuild { get; }

    public string? PackageFile { get; }

    public ProcessRun.Result? Install { get; }

    public bool HasDotnet { get; }

    public ProcessRun.Result? Version { get; }

    public ProcessRun.Result? PluginsList { get; }

    public ProcessRun.Result? Inspect { get; }

    public ProcessRun.Result? InspectOnHost { get; }

    public ProcessRun.Result? NoopBuild { get; }

    public ProcessRun.Result? ArchiveListing { get; }

    public ProcessRun.Result? MissingToolBuild { get; }

    public ProcessRun.Result? DescribeDebootstrap { get; }

    /// <summary><c>osbuild new</c>, which finds its templates in /usr/share/osbuild/templates.</summary>
    public ProcessRun.Result? NewPlugin { get; }

    public ProcessRun.Result? Man { get; }

    public ProcessRun.Result? Completion { get; }

    public IReadOnlyList<string> InstalledPaths { get; } = [];

    public ProcessRun.Result? Purge { get; }

    public IReadOnlyList<string> LeftAfterPurge { get; } = [];

    public ProcessRun.Result? NamedAfterPurge { get; }

    public void Dispose() => _root?.Dispose();

    /// <summary>
    /// osbuild-service beside the engine. Its runtime (aspnetcore-runtime-10.0) is not in Debian's
    /// archive, so dpkg installs it with that one dependency forced; what is checked is what the
    /// package does to the system: its user and folders, its conffile, no unit enabled, and purge.
    /// </summary>
    private void InstallAndPurgeService()
    {
        ServicePackageBuild = ProcessRun.Run(Path.Combine(Osbuild.RepoRoot, "packaging", "build-service-deb.sh"), [], TimeSpan.FromMinutes(10));
        if (ServicePackageBuild.ExitCode != 0)
        {
            return;
        }

        string package = ServicePackageBuild.Stdout.Split('\n').Single(l => l.StartsWith("built: ", StringComparison.Ordinal))["built: ".Length..].Trim();
        ServiceDepends = ProcessRun.Run("dpkg-deb", ["-f", package, "Depends"], TimeSpan.FromMinutes(1)).Stdout.Trim();
        File.Copy(package, _root!.HostPath("/root/" + Path.GetFileName(package)));
        ServiceInstall = _root.Shell($"apt-get install -y -q --no-install-recommends adduser && dpkg -i --force-depends /root/{Path.GetFileName(package)}", TimeSpan.FromMinutes(5));
        File.Delete(_root.HostPath("/root/" + Path.GetFileName(package)));
        ServiceState = _root.Shell("""
            getent passwd osbuild-service | cut -d: -f1,6,7
            stat -c '%U:%G %a %n' /var/lib/osbuild-service /var/cache/osbuild-service
            dpkg-query -W -f='${Conffiles}\n' osbuild-service | awk 'NF {print "conffile", $1}'
            ls /etc/systemd/system/*.wants 2>/dev/null | grep osbuild-service || echo "no unit enabled"
            """);
        ServiceInstalledPaths = _root.Shell("dpkg -L osbuild-service").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ServicePurge = _root.Shell("dpkg --purge osbuild-service");
        ServiceLeftAfterPurge = [.. ServiceInstalledPaths.Where(p => !IsSharedDirectory(p) && p is not "/lib" and not "/lib/systemd" and not "/lib/systemd/system" and not "/etc"
            && (File.Exists(_root.HostPath(p)) || Directory.Exists(_root.HostPath(p))))];
        ServiceDataKeptAfterPurge = Directory.Exists(_root.HostPath("/var/lib/osbuild-service"));

        // What purge keeps on purpose (users' builds, the system user) goes now, so that the engine's
        // own removal check below sees only the engine.
        ProcessRun.Run("rm", ["-rf", "--one-file-system", "--", _root.HostPath("/var/lib/osbuild-service"), _root.HostPath("/var/cache/osbuild-service")], TimeSpan.FromMinutes(1));
        _root.Shell("deluser --system osbuild-service >/dev/null 2>&1; delgroup --system osbuild-service >/dev/null 2>&1; true");
    }

    /// <summary>Folders of the base system that the package only puts files into.</summary>
    private static bool IsSharedDirectory(string path)
        => path is "/." or "/usr" or "/usr/bin" or "/usr/lib" or "/usr/share" or "/usr/share/man" or "/usr/share/man/man1"
            or "/usr/share/doc" or "/usr/share/bash-completion" or "/usr/share/bash-completion/completions"
            or "/usr/share/lintian" or "/usr/share/lintian/overrides";
}
