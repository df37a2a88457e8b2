namespace Engine.Host.Store;

/// <summary>
/// A transient directory inside the store (mode 0700, random suffix), removed with
/// <see cref="GuardedDelete"/> on dispose — also when the build failed or was interrupted.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    private bool _disposed;

    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    public static TempDirectory Create(string parent, string prefix)
    {
        for (int attempt = 0; ; attempt++)
        {
            string candidate = System.IO.Path.Combine(parent, prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
            try
            {
                // CreateDirectory succeeds on an existing directory, so probe first; the random
                // suffix makes a race between probe and create practically impossible.
                if (Directory.Exists(candidate) || File.Exists(candidate))
                {
                    continue;
                }

                Directory.CreateDirectory(candidate, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return new TempDirectory(candidate);
            }
            catch (IOException) when (attempt < 10)
            {
                // try another name
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            GuardedDelete.Remove(Path);
        }
    }
}
