namespace Engine.Service.Tests.Infrastructure;

/// <summary>
/// A scratch directory under /var/tmp (stores of real builds need a real file system). Removed at
/// the end with <c>rm -rf --one-file-system</c>, and only after checking that nothing is mounted below it.
/// </summary>
internal sealed class Scratch : IDisposable
{
    public Scratch(string purpose)
    {
        Root = Directory.CreateTempSubdirectory($"engine-service-tests-{purpose}-").FullName;
        if (!Root.StartsWith("/var/tmp/", StringComparison.Ordinal))
        {
            // TMPDIR points elsewhere: stay on /var/tmp as the engine's tests do.
            Directory.Delete(Root);
            Root = Path.Combine("/var/tmp", $"engine-service-tests-{purpose}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Root);
        }
    }

    public string Root { get; }

    public string Sub(params string[] parts) => Path.Combine([Root, .. parts]);

    public void Dispose()
    {
        IReadOnlyList<string> mounts = Machine.MountsBelow(Root);
        if (mounts.Count > 0)
        {
            throw new InvalidOperationException($"not removing {Root}: still mounted below it: {string.Join(", ", mounts)}");
        }

        Machine.Run("rm", "-rf", "--one-file-system", Root);
    }
}
