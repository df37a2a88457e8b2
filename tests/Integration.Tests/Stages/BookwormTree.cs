namespace Engine.Integration.Tests.Stages;

/// <summary>
/// A real Debian 12 tree for stages that run the tree's tools or need its files (users,
/// firewall, systemd units, zoneinfo…). Made once with debootstrap into
/// <see cref="CachePath"/> (80-100 s); every test gets a private writable copy, so tests never
/// see each other's changes: an overlay mount on the cache (milliseconds), or <c>cp -a</c>
/// (seconds: 400 MB) where overlay is not available. The mirror is the one this machine's apt uses.
/// </summary>
internal static class BookwormTree
{
    public const string CachePath = "/var/cache/engine-tests/bookworm-base";

    private const string Packages = "systemd,systemd-sysv,chrony,firewalld,netbase,libpam-systemd,policycoreutils,selinux-policy-default,locales,keyboard-configuration,console-setup,passwd";

    private static readonly SemaphoreSlim s_create = new(1, 1);

    /// <summary>A private copy of the cached tree; dispose it to delete it.</summary>
    public static async Task<ScratchTree> CopyAsync()
    {
        Requirements.Root();
        await EnsureCachedAsync();
        if (await ScratchTree.TryOverlayAsync(CachePath) is { } overlay)
        {
            return overlay;
        }

        var copy = new ScratchTree("engine-bookworm-");
        await ProcessRunner.CheckedAsync("cp", "-a", "--", CachePath + "/.", copy.Path);
        return copy;
    }

    /// <summary>The cached tree itself, for readers only (a runner's build root is mounted read-only).</summary>
    public static async Task<string> CachedPathAsync()
    {
        Requirements.Root();
        await EnsureCachedAsync();
        return CachePath;
    }

    private static async Task EnsureCachedAsync()
    {
        if (Directory.Exists(CachePath))
        {
            return;
        }

        await s_create.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);

            // Other test runs (or developers) may create it at the same time: one flock for all.
            using FileStream lockFile = await LockAsync(CachePath + ".lock");
            if (Directory.Exists(CachePath))
            {
                return;
            }

            string debootstrap = Requirements.Program("debootstrap", "debootstrap");
            string mirror = DebianMirror.Find()
                ?? throw new InvalidOperationException("no bookworm mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list: cannot debootstrap the test tree");
            string temporary = $"{CachePath}.tmp-{Environment.ProcessId}";
            using (ScratchTree.Adopt(temporary))
            {
                await ProcessRunner.CheckedAsync(debootstrap, "--variant=minbase", $"--include={Packages}", "bookworm", temporary, mirror);
                Directory.Move(temporary, CachePath);
            }
        }
        finally
        {
            s_create.Release();
        }
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }
    }
}

/// <summary>Reads (never writes) the Debian mirror this machine's apt is configured with.</summary>
internal static class DebianMirror
{
    public static string? Find()
        => FromDeb822("/etc/apt/sources.list.d/debian.sources") ?? FromOneLine("/etc/apt/sources.list");

    private static string? FromDeb822(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string stanza in File.ReadAllText(path).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = stanza.Split('\n')
                .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
                .Select(line => line.Split(':', 2))
                .GroupBy(pair => pair[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(group => group.Key, group => group.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (fields.TryGetValue("Types", out string? types) && types.Split(' ').Contains("deb")
                && fields.TryGetValue("Suites", out string? suites) && suites.Split(' ').Contains("bookworm")
                && fields.TryGetValue("URIs", out string? uris))
            {
                return uris.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            }
        }

        return null;
    }

    private static string? FromOneLine(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3 && words[0] == "deb")
            {
                int uri = words[1].StartsWith('[') ? Array.FindIndex(words, word => word.EndsWith(']')) + 1 : 1;
                if (uri + 1 < words.Length && words[uri + 1] == "bookworm")
                {
                    return words[uri];
                }
            }
        }

        return null;
    }
}
