using System.Diagnostics;
using System.Text.Json;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Boot;

/// <summary>
/// The main job: samples/debian-bookworm-qcow2.json built by our engine (pinned .debs fetched by the
/// host and installed offline by org.osbuild.debs, configuration stages, GRUB, qemu assembler)
/// boots in qemu to a serial login, and the test user can log in and run a command. The store is kept under
/// /var/tmp/engine-tests so that one run of the test suite builds the tree once.
/// </summary>
public sealed class DebianImageBootTests
{
    private static string Store => Path.GetFullPath(Environment.GetEnvironmentVariable("ENGINE_SAMPLE_STORE") ?? "/var/tmp/engine-tests/sample-store");

    private static string Sample => Path.Combine(Osbuild.RepoRoot, "samples", "debian-bookworm-qcow2.json");

    private static readonly Lazy<(Osbuild.Result First, Osbuild.Result Second, TimeSpan SecondTime)> s_builds = new(() =>
    {
        Osbuild.Result first = Osbuild.Run(["--store", Store, "--json", Sample], timeout: TimeSpan.FromMinutes(40));
        var watch = Stopwatch.StartNew();
        Osbuild.Result second = Osbuild.Run(["--store", Store, "--json", Sample]);
        return (first, second, watch.Elapsed);
    });

    private static void RequireImageTools()
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        Assert.SkipUnless(File.Exists("/usr/bin/qemu-system-x86_64"), "qemu-system-x86 is not installed (setup.sh installs it)");
        Assert.SkipUnless(File.Exists("/usr/bin/mmdebstrap"), "mmdebstrap is not installed (setup.sh installs it)");
        Assert.SkipUnless(File.Exists("/usr/bin/apt-ftparchive"), "apt-utils (apt-ftparchive) is not installed (setup.sh installs it)");
    }

    private static string OutputDirectory()
    {
        var (first, _, _) = s_builds.Value;
        Assert.True(first.ExitCode == 0, first.ToString());
        return Path.Combine(Store, "refs", ((JValue.String)first.Json["output_id"]!).Value);
    }

    [Fact]
    public void Sample_SecondBuild_ReusesEveryStage()
    {
        RequireImageTools();
        var (first, second, secondTime) = s_builds.Value;
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(["tree_id", "output_id", "success"], second.Json.Members.Select(m => m.Key));
        Assert.True(secondTime < TimeSpan.FromSeconds(30), $"a fully cached build took {secondTime}");
    }

    [Fact]
    public void Sample_PartitionTableFileSystemsAndFstab_Agree()
    {
        RequireImageTools();
        string image = Directory.GetFiles(OutputDirectory()).Single();
        using var scratch = new TempStore();
        string raw = Path.Combine(scratch.Root, "disk.raw");
        Run("qemu-img", "convert", "-O", "raw", image, raw);

        using JsonDocument table = JsonDocument.Parse(Run("sfdisk", "--json", raw));
        JsonElement partitions = table.RootElement.GetProperty("partitiontable").GetProperty("partitions");
        JsonElement root = partitions.EnumerateArray().Single();
        long offset = root.GetProperty("start").GetInt64() * 512;
        string probe = Run("blkid", "-p", "-O", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "export", raw);
        string uuid = probe.Split('\n').Single(l => l.StartsWith("UUID=", StringComparison.Ordinal))[5..];
        Assert.Contains("TYPE=ext4", probe, StringComparison.Ordinal);

        string tree = Path.Combine(Store, "refs", ((JValue.String)s_builds.Value.First.Json["tree_id"]!).Value);
        string fstab = File.ReadAllText(Path.Combine(tree, "etc", "fstab"));
        Assert.Equal($"UUID={uuid}\t/\text4\tdefaults\t1\t1\n", fstab);
        Assert.Contains($"root=UUID={uuid}", File.ReadAllText(Path.Combine(tree, "boot", "grub", "grub.cfg")), StringComparison.Ordinal);
        Assert.True(root.TryGetProperty("bootable", out JsonElement bootable) && bootable.GetBoolean());
    }

    /// <summary>
    /// What a user meets in the first minute: a home directory (Debian's useradd makes none unless
    /// told), a running system with a bus for systemctl, and sudo for the sample user.
    /// Each check types a command whose expected answer is not in the typed text, so the echo of
    /// the command line cannot satisfy it.
    /// </summary>
    [Fact]
    public void Sample_BootsInQemu_TestUserLogsInToAUsableSystem()
    {
        RequireImageTools();
        string image = Directory.GetFiles(OutputDirectory()).Single();
        using var console = new SerialConsole(image, "qcow2");
        TimeSpan boot = TimeSpan.FromMinutes(8);

        int at = console.WaitFor("login:", 0, boot);
        console.Type("tester");
        at = console.WaitFor("Password:", at, TimeSpan.FromMinutes(1));
        console.Type("osbuild");
        at = console.WaitFor("$ ", at, TimeSpan.FromMinutes(2));
        console.Type("echo BOOT-$((6*7)) $(cat /etc/hostname) $(findmnt -no FSTYPE /)");
        at = console.WaitFor("BOOT-42 debian ext4", at, TimeSpan.FromMinutes(1));

        console.Type("echo HOME-$((6*7)) $HOME $(pwd) $(stat -c %U:%G \"$HOME\") $(id -un):$(id -gn)");
        at = console.WaitFor("HOME-42 ", at, TimeSpan.FromMinutes(1));
        string home = console.WaitForLine(at, TimeSpan.FromMinutes(1));
        Assert.True(home == "/home/tester /home/tester tester:tester tester:tester",
            $"expected $HOME and the working directory /home/tester owned by tester, got '{home}' (HOME / means the home is missing)");

        // --wait: under software emulation the login prompt comes before the last units have started.
        console.Type("echo STATE-$((6*7)) $(systemctl is-system-running --wait 2>&1); systemctl --failed --plain --no-legend --no-pager; echo END-$((6*7))");
        at = console.WaitFor("STATE-42 ", at, TimeSpan.FromMinutes(4));
        string state = console.WaitForLine(at, TimeSpan.FromMinutes(1));
        int end = console.WaitFor("END-42", at, TimeSpan.FromMinutes(1));
        string failed = console.Transcript[at..end].Replace("\r", "", StringComparison.Ordinal);
        Assert.True(state == "running", $"systemctl is-system-running answered '{state}'; failed units:\n{failed}");

        // With its stderr: sudo warns on every call when the host name does not resolve.
        console.Type("echo SUDO-$((6*7)) $(echo osbuild | sudo -S -p '' id -un 2>&1)");
        at = console.WaitFor("SUDO-42 ", at, TimeSpan.FromMinutes(1));
        string sudo = console.WaitForLine(at, TimeSpan.FromMinutes(1));
        Assert.True(sudo == "root", $"sudo as tester (in group sudo) ran the command as '{sudo}'; the console showed:\n{console.Transcript[at..]}");
    }

    private static string Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {errors}");
        return output;
    }
}
