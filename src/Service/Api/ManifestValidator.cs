using System.Text.Json;
using Engine.Service.Configuration;

namespace Engine.Service.Api;

/// <summary>
/// Decides, before anything is queued, whether osbuild would take a manifest: <c>osbuild --check</c>
/// (every check a build makes before its first container; no root) and, for the plugin allow-list,
/// <c>osbuild --inspect</c>. The manifest goes on standard input, so osbuild's messages name "stdin"
/// exactly as they do for <c>osbuild --check - &lt; manifest.json</c>.
/// </summary>
internal sealed class ManifestValidator(EngineCommand engine)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    internal sealed record Verdict(bool Accepted, IReadOnlyList<string> Messages, IReadOnlyList<string> Plugins);

    public async Task<Verdict> CheckAsync(byte[] manifest, byte[]? sources, CancellationToken cancellationToken)
    {
        string? sourcesFile = null;
        try
        {
            if (sources is not null)
            {
                sourcesFile = Path.Combine(Path.GetTempPath(), $"osbuild-service-sources-{Guid.NewGuid():N}.json");
                await File.WriteAllBytesAsync(sourcesFile, sources, cancellationToken);
            }

            string[] common = [.. engine.PluginArguments(), .. sourcesFile is null ? Array.Empty<string>() : ["--sources", sourcesFile]];
            CommandRunner.Outcome check = await CommandRunner.RunAsync(engine.Osbuild, ["--check", .. common, "-"], manifest, s_timeout, cancellationToken);
            if (check.ExitCode == 2)
            {
                return new Verdict(false, Lines(check.StandardError), []);
            }

            if (check.ExitCode != 0)
            {
                throw new EngineUnavailableException($"osbuild --check exited with {check.ExitCode}: {check.StandardError.Trim()}");
            }

            CommandRunner.Outcome inspect = await CommandRunner.RunAsync(engine.Osbuild, ["--inspect", .. common, "-"], manifest, s_timeout, cancellationToken);
            if (inspect.ExitCode != 0)
            {
                throw new EngineUnavailableException($"osbuild --inspect exited with {inspect.ExitCode} on a manifest --check accepted: {inspect.StandardError.Trim()}");
            }

            using JsonDocument description = JsonDocument.Parse(inspect.StandardOutput);
            return new Verdict(true, [], PluginNames.FromInspection(description.RootElement));
        }
        finally
        {
            if (sourcesFile is not null)
            {
                File.Delete(sourcesFile);
            }
        }
    }

    private static string[] Lines(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
