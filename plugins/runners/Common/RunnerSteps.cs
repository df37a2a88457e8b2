using System.Text;

namespace Engine.Plugins.Runners.Common;

/// <summary>
/// The preparation steps of osbuild's runners, each on its own so a runner
/// lists the ones its distribution needs in order. All of them write only into the container's
/// private, throw-away <c>/etc</c>, <c>/var</c>, <c>/tmp</c> and <c>/run</c>; the build root's
/// <c>/usr</c> is read-only. Programs run without echo: the stage log starts with the stage's own output.
/// A failed step throws <see cref="PluginFailedException"/>, which <see cref="RunnerProgram"/> reports.
/// The host may have bound some of the build root's own <c>/etc</c> entries read-only into the
/// private <c>/etc</c> (the loader cache, passwd/group, ssl, pki, alternatives…: Engine.Host's
/// <c>BuildRoot.EtcEntries</c>); a step whose result is already there is skipped, since it
/// could not write over a read-only bind and the build root's own file is the better answer.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class RunnerSteps
{
    private const UnixFileMode StickyWorldWritable = (UnixFileMode)0x3ff; // 01777

    /// <summary>
    /// Steps 2 to 7 of osbuild's fedora27/30/31/32 and ubuntu1804 runners (byte-identical there):
    /// ldconfig, sysusers, CA trust (Fedora), CA certificates (Debian), tmpfiles, no nsswitch.conf.
    /// </summary>
    public static void Osbuild2020Sequence()
    {
        Ldconfig();
        Sysusers();
        CaTrust();
        CaCertificates();
        Tmpfiles();
        RemoveNsswitch();
        EnsureVarTmp();
    }

    /// <summary>Step 2: <c>touch /etc/ld.so.conf</c> (ldconfig warns without it), then <c>ldconfig</c> (checked); not when a cache is there.</summary>
    public static void Ldconfig()
    {
        if (File.Exists("/etc/ld.so.cache"))
        {
            return;
        }

        using (File.Open("/etc/ld.so.conf", FileMode.OpenOrCreate, FileAccess.Write))
        {
        }

        Command.Run(Command.Require("ldconfig", "libc-bin (Debian) / glibc (Fedora)"), []);
    }

    /// <summary>
    /// Step 3: <c>systemd-sysusers</c> creates the system users and groups of the build root's
    /// <c>sysusers.d</c> in <c>/etc/passwd</c> and <c>/etc/group</c>; its output is shown only on
    /// failure. Not when both files are there (the build root's own accounts).
    /// </summary>
    public static void Sysusers()
    {
        if (File.Exists("/etc/passwd") && File.Exists("/etc/group"))
        {
            return;
        }

        string sysusers = Command.Require("systemd-sysusers", "systemd");
        CommandResult result = Command.TryRun(sysusers, [], new() { CaptureStdout = true, QuietStderr = true });
        if (result.ExitCode != 0)
        {
            Console.Error.Write(result.Stdout);
            throw new PluginFailedException(Command.DescribeFailure(sysusers, [], result));
        }
    }

    /// <summary>
    /// Debian's static system accounts: <c>/etc/passwd</c> and <c>/etc/group</c> from base-passwd's
    /// masters in <c>/usr/share/base-passwd</c> (what a fresh Debian install starts with); where
    /// they are missing, a root-only line. Files that exist already are left alone. Costs two small
    /// copies, and lets tools that map ids to names (tar's archive headers, ls) see root.
    /// </summary>
    public static void StaticAccounts()
    {
        CopyOrWrite("/usr/share/base-passwd/passwd.master", "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        CopyOrWrite("/usr/share/base-passwd/group.master", "/etc/group", "root:x:0:\n");
    }

    /// <summary>Step 4, Fedora/RHEL: the CA trust bundle, only when <c>update-ca-trust</c> exists and the host gave no <c>/etc/pki</c>.</summary>
    public static void CaTrust()
    {
        if (Command.Find("update-ca-trust") is not { } updateCaTrust || Directory.Exists("/etc/pki"))
        {
            return;
        }

        CreateNewDirectory("/etc/pki/ca-trust/extracted/pem");
        CreateNewDirectory("/etc/pki/tls/certs");
        File.CreateSymbolicLink("/etc/pki/tls/certs/ca-bundle.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");
        Command.TryRun(updateCaTrust, ["extract"]);
    }

    /// <summary>
    /// Step 5, Debian: only when <c>update-ca-certificates</c> exists and the host gave no
    /// <c>/etc/ssl</c>, list every certificate of
    /// <c>/usr/share/ca-certificates</c> in <c>/etc/ca-certificates.conf</c> and let the tool build
    /// <c>/etc/ssl/certs</c> (checked).
    /// </summary>
    public static void CaCertificates()
    {
        if (Command.Find("update-ca-certificates") is not { } updateCaCertificates || Directory.Exists("/etc/ssl"))
        {
            return;
        }

        CreateNewDirectory("/etc/ssl/certs");
        const string Root = "/usr/share/ca-certificates";
        var list = new StringBuilder();
        if (Directory.Exists(Root))
        {
            ListCertificates(Root, Root, list);
        }

        File.WriteAllText("/etc/ca-certificates.conf", list.ToString());
        Command.Run(updateCaCertificates, []);
    }

    /// <summary>
    /// Step 6: <c>systemd-tmpfiles --create</c> fills <c>/var</c>, <c>/tmp</c>, <c>/run</c>; failure is
    /// ignored, as in osbuild. <paramref name="quiet"/> drops its complaints (lines with <c>%m</c>
    /// fail in a container without a machine id; accounts of packages that are not there).
    /// </summary>
    public static void Tmpfiles(bool quiet = false)
    {
        if (Command.Find("systemd-tmpfiles") is not { } tmpfiles)
        {
            return;
        }

        // osbuild ignores how it ends.
        Command.TryRun(tmpfiles, ["--create"], quiet ? new() { StdoutTarget = Stream.Null, QuietStderr = true } : null);
    }

    /// <summary>
    /// <c>/var/tmp</c>, sticky and world-writable, if tmpfiles did not make it: assemblers build
    /// their images there. Fedora's tmpfiles.d creates it; Debian's does not,
    /// and our <c>/var</c> starts empty.
    /// </summary>
    public static void EnsureVarTmp()
    {
        if (!Directory.Exists("/var/tmp"))
        {
            Directory.CreateDirectory("/var/tmp");
            File.SetUnixFileMode("/var/tmp", StickyWorldWritable);
        }
    }

    /// <summary>
    /// Debian's update-ca-certificates result, without its cost (a shell loop over some 150
    /// certificates: seconds per stage). As the tool does for every certificate listed in
    /// <c>/etc/ca-certificates.conf</c> (written as in step 5) and every
    /// <c>/usr/local/share/ca-certificates/**/*.crt</c>: the link
    /// <c>/etc/ssl/certs/NAME.pem</c> → the certificate, and the bundle
    /// <c>/etc/ssl/certs/ca-certificates.crt</c> (each certificate ending in a newline, mode 0644).
    /// Left out: the <c>openssl rehash</c> hash links and the update.d hooks (none in a fresh
    /// /etc); TLS clients of a build root (GnuTLS, OpenSSL's default file, Python) read the bundle.
    /// Runs only when the ca-certificates package is installed and the host gave no /etc/ssl.
    /// </summary>
    public static void CaCertificatesBundle()
    {
        const string Root = "/usr/share/ca-certificates";
        if (!Directory.Exists(Root) || Command.Find("update-ca-certificates") is null || Directory.Exists("/etc/ssl"))
        {
            return;
        }

        CreateNewDirectory("/etc/ssl/certs");
        var list = new StringBuilder();
        ListCertificates(Root, Root, list);
        File.WriteAllText("/etc/ca-certificates.conf", list.ToString());

        var certificates = list.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(name => Path.Join(Root, name)).ToList();
        const string Local = "/usr/local/share/ca-certificates";
        if (Directory.Exists(Local))
        {
            certificates.AddRange(Directory.EnumerateFiles(Local, "*.crt", new EnumerationOptions { RecurseSubdirectories = true })
                .Where(File.Exists)
                .Order(StringComparer.Ordinal));
        }

        using var bundle = new FileStream("/etc/ssl/certs/ca-certificates.crt", FileMode.CreateNew, FileAccess.Write);
        foreach (string certificate in certificates)
        {
            // The tool's name mangling: spaces and commas become "_", parentheses "=".
            string name = Path.GetFileName(certificate);
            name = (name.EndsWith(".crt", StringComparison.Ordinal) ? name[..^4] : name)
                .Replace(' ', '_').Replace(',', '_').Replace('(', '=').Replace(')', '=');
            string link = $"/etc/ssl/certs/{name}.pem";
            if (!FileEntries.Exists(link))
            {
                File.CreateSymbolicLink(link, certificate);
            }

            byte[] content = File.ReadAllBytes(certificate);
            bundle.Write(content);
            if (content.Length > 0 && content[^1] != (byte)'\n')
            {
                bundle.WriteByte((byte)'\n');
            }
        }

        bundle.Flush();
        File.SetUnixFileMode("/etc/ssl/certs/ca-certificates.crt", (UnixFileMode)0x1a4); // 0644
    }

    /// <summary>Step 7: no <c>/etc/nsswitch.conf</c>, so that glibc does not try nss-resolve in a container that never booted.</summary>
    public static void RemoveNsswitch()
    {
        if (FileEntries.Exists("/etc/nsswitch.conf"))
        {
            File.Delete("/etc/nsswitch.conf");
        }
    }

    /// <summary>
    /// What systemd-tmpfiles would do that tools need, at the cost of a few syscalls: a sticky
    /// world-writable <c>/var/tmp</c> (assemblers build images there) and <c>/tmp</c>,
    /// and the <c>/etc/mtab</c> and <c>/etc/os-release</c> links that systemd-nspawn gave osbuild's containers.
    /// </summary>
    public static void MinimalFilesystem()
    {
        EnsureVarTmp();
        if (Directory.Exists("/tmp") && File.GetUnixFileMode("/tmp") != StickyWorldWritable)
        {
            File.SetUnixFileMode("/tmp", StickyWorldWritable);
        }

        LinkIfMissing("/etc/mtab", "../proc/self/mounts");
        if (File.Exists("/usr/lib/os-release"))
        {
            LinkIfMissing("/etc/os-release", "../usr/lib/os-release");
        }
    }

    private static void LinkIfMissing(string path, string target)
    {
        if (!FileEntries.Exists(path))
        {
            File.CreateSymbolicLink(path, target);
        }
    }

    private static void CopyOrWrite(string source, string target, string fallback)
    {
        if (FileEntries.Exists(target))
        {
            return;
        }

        if (File.Exists(source))
        {
            File.Copy(source, target);
        }
        else
        {
            File.WriteAllText(target, fallback);
        }
    }

    /// <summary>Depth-first, files of a folder before its subfolders, directory order, links followed.</summary>
    private static void ListCertificates(string root, string folder, StringBuilder list)
    {
        // File.Exists follows links and is false for a dangling one, which osbuild skips.
        foreach (string file in Directory.EnumerateFiles(folder).Where(File.Exists))
        {
            list.Append(Path.GetRelativePath(root, file)).Append('\n');
        }

        foreach (string child in Directory.EnumerateDirectories(folder))
        {
            ListCertificates(root, child, list);
        }
    }

    /// <summary>osbuild's <c>os.makedirs(path)</c> without exist_ok: an existing folder is an error.</summary>
    private static void CreateNewDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            throw new PluginFailedException($"{path} exists already; the runner expects a fresh, empty /etc");
        }

        Directory.CreateDirectory(path);
    }
}
