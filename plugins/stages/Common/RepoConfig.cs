using System.Globalization;
using System.Text;

namespace Engine.Plugins.Stages.Common;

/// <summary>
/// The repositories of org.osbuild.dnf and org.osbuild.yum as the package manager's configuration
/// file: one section <c>[repoN]</c> per repository, in the given order, with its URL keys, the TLS
/// files (dnf only) and the GPG key written beside the file in the stage's scratch directory.
/// </summary>
internal static class RepoConfig
{
    /// <summary>The keys that locate a repository, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> UrlKeys = ["metalink", "mirrorlist", "baseurl"];

    /// <summary>Writes <paramref name="fileName"/> into <paramref name="scratch"/> and returns its path.</summary>
    /// <param name="header">Text before the repositories (dnf's <c>[main]</c> section), or "".</param>
    /// <param name="tlsKeys">Members whose PEM text goes into <c>KEY.pem</c> and is named by path; none for yum.</param>
    public static string Write(string scratch, string fileName, IReadOnlyList<JsonElement> repos, string header, IReadOnlyList<string> tlsKeys)
    {
        var text = new StringBuilder(header);
        for (int i = 0; i < repos.Count; i++)
        {
            JsonElement repo = repos[i];
            string id = "repo" + i.ToString(CultureInfo.InvariantCulture);
            text.Append('[').Append(id).Append("]\nname=").Append(id).Append('\n');
            foreach (string key in UrlKeys)
            {
                if (Member(repo, key) is { Length: > 0 } url)
                {
                    text.Append(key).Append('=').Append(url).Append('\n');
                }
            }

            foreach (string key in tlsKeys)
            {
                if (Member(repo, key) is { } pem)
                {
                    // Named per key type as in the reference (spec 5.4): repos with TLS material share these files.
                    string path = Path.Combine(scratch, key + ".pem");
                    File.WriteAllText(path, pem);
                    text.Append(key).Append('=').Append(path).Append('\n');
                }
            }

            if (Member(repo, "gpgkey") is { } armored)
            {
                string path = Path.Combine(scratch, id + ".asc");
                File.WriteAllText(path, armored);
                text.Append("gpgcheck=1\ngpgkey=file://").Append(path).Append('\n');
            }
        }

        string config = Path.Combine(scratch, fileName);
        File.WriteAllText(config, text.ToString());
        return config;
    }

    /// <summary>The string member <paramref name="name"/> of a repository, or null (absent, or not a string).</summary>
    public static string? Member(JsonElement repo, string name)
        => repo.ValueKind == JsonValueKind.Object && repo.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
