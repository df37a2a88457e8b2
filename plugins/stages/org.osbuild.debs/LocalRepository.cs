using System.Text;

namespace Engine.Plugins.Stages.Debs;

/// <summary>
/// A flat apt repository made of exactly the pinned .deb files: links named after their checksums
/// in one folder, a Packages index from apt-ftparchive and a Release file naming the suite
/// (mmdebstrap picks the essential set by suite). It is used with <c>[trusted=yes]</c>: every file
/// in it was checked against the manifest's checksum by the host before the stage saw it.
/// </summary>
internal static class LocalRepository
{
    /// <returns>The apt sources line for mmdebstrap.</returns>
    public static async Task<string> CreateAsync(string directory, string files, IReadOnlyList<string> checksums, string suite, string ftparchive, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (string checksum in checksums.Distinct(StringComparer.Ordinal))
        {
            string source = Path.Combine(files, checksum);
            if (!File.Exists(source))
            {
                throw new PluginFailedException($"the source {checksum} was not provided in {files}");
            }

            File.CreateSymbolicLink(Path.Combine(directory, checksum.Replace(':', '-') + ".deb"), source);
        }

        string index = await Command.CaptureAsync(ftparchive, ["packages", "."], cancellationToken, new CommandSettings { WorkingDirectory = directory }).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "Packages"), index, cancellationToken).ConfigureAwait(false);
        string release = await Command.CaptureAsync(
            ftparchive,
            ["-o", $"APT::FTPArchive::Release::Suite={suite}", "-o", $"APT::FTPArchive::Release::Codename={suite}", "release", "."],
            cancellationToken,
            new CommandSettings { WorkingDirectory = directory }).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "Release"), release, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        return $"deb [trusted=yes] copy://{directory} ./";
    }
}
