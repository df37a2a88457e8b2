using System.Text;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Reliability;

/// <summary>Secrets reach the source that needs them and nothing else: not logs, not --json output, not the store.</summary>
public sealed class SecretsTests
{
    private const string Checksum = "sha256:9f596e18f585bee30ac41c11fb11a83ed6b11d5b341c1cb56ca4015d7717cb97";
    private const string Secret = "SECRET-KEY-0123456789";

    [Theory]
    [InlineData(Checksum, 0)]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000", 1)]
    public void SecretsFile_NeverInOutputLogsOrStore(string requested, int expectedExit)
    {
        Assert.SkipUnless(Osbuild.IsRoot, "building needs root");
        using var scratch = new TempStore();
        string manifest = scratch.File("m.json", """
            {"pipeline": {"stages": [{"name": "org.test.dnf-repos", "options": {"repos": ["@REQUESTED@"]}}]},
             "sources": {"org.osbuild.dnf": {"repos": {"@CHECKSUM@": {"baseurl": "http://127.0.0.1:1/repo"}}}}}
            """.Replace("@REQUESTED@", requested, StringComparison.Ordinal).Replace("@CHECKSUM@", Checksum, StringComparison.Ordinal));
        string secrets = scratch.File("secrets.json", """
            {"org.osbuild.dnf": {"repos": {"@CHECKSUM@": {"sslclientkey": "@SECRET@", "sslclientcert": "@SECRET@-cert"}}}}
            """.Replace("@CHECKSUM@", Checksum, StringComparison.Ordinal).Replace("@SECRET@", Secret, StringComparison.Ordinal));

        Osbuild.Result json = Osbuild.Run(["--store", scratch.Store, "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), "--secrets", secrets, "--json", manifest]);
        Osbuild.Result interactive = Osbuild.Run(["--store", Path.Combine(scratch.Root, "store2"), "--plugin-path", Path.Combine(Osbuild.Fixtures, "plugins"), "--secrets", secrets, manifest]);

        Assert.True(json.ExitCode == expectedExit, json.ToString());
        Assert.Equal(expectedExit, interactive.ExitCode);
        foreach (string text in new[] { json.Stdout, json.Stderr, interactive.Stdout, interactive.Stderr })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        foreach (string file in Directory.EnumerateFiles(scratch.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (!file.EndsWith("secrets.json", StringComparison.Ordinal) && new FileInfo(file).LinkTarget is null)
            {
                Assert.DoesNotContain(Secret, File.ReadAllText(file, Encoding.Latin1), StringComparison.Ordinal);
            }
        }

        if (expectedExit == 0)
        {
            // the stage did receive the secrets (as keys of the repository object)
            Assert.Contains("sslclientkey", json.Stdout + File.ReadAllText(Directory.EnumerateFiles(Path.Combine(scratch.Store, "objects"), "repo-keys", SearchOption.AllDirectories).Single()), StringComparison.Ordinal);
        }
    }
}
