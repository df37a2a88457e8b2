using System.Runtime.Versioning;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>The published org.osbuild.dnf run through <see cref="SourceProgramRunner"/>.</summary>
[SupportedOSPlatform("linux")]
public sealed class DnfSourceTests
{
    private const string Dnf = "org.osbuild.dnf";
    private const string RepoA = "sha256:aaaa";
    private const string RepoB = "sha256:bbbb";

    private static readonly JValue s_options = Parse("""
        {"repos": {
            "sha256:aaaa": {"metalink": "https://mirrors.example/metalink", "baseurl": "https://example/a",
                            "mirrorlist": "https://mirrors.example/list", "gpgkey": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nA\n", "sslcacert": "CA-PEM"},
            "sha256:bbbb": {"metalink": "https://mirrors.example/metalink-b", "mirrorlist": "https://mirrors.example/list-b"},
            "sha256:cccc": {"gpgkey": "KEY"}
        }}
        """);

    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Resolve_SecretsForRepo_MergedAfterOptionKeys()
    {
        JValue secrets = Parse("""{"repos": {"sha256:aaaa": {"sslclientkey": "CLIENT-KEY-PEM", "sslclientcert": "CLIENT-CERT-PEM"}}}""");
        using var scratch = new ScratchDirectory("dnf-");

        JValue reply = await RunAsync(Dnf, s_options, secrets, scratch.Combine("cache"), scratch.Combine("output"), [RepoA, RepoB], cancellationToken: Timeout);

        Assert.Equal(
            """[{"checksum": "sha256:aaaa", "baseurl": "https://example/a", "sslcacert": "CA-PEM", "gpgkey": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nA\n", "sslclientcert": "CLIENT-CERT-PEM", "sslclientkey": "CLIENT-KEY-PEM"}, {"checksum": "sha256:bbbb", "mirrorlist": "https://mirrors.example/list-b"}]""",
            PythonJson.Compact(reply));
        Assert.False(Directory.Exists(scratch.Combine("cache")), "the dnf source needs no cache");
    }

    [Fact]
    public async Task Resolve_NoSecretsEntry_ReposWithoutClientKeys()
    {
        using var scratch = new ScratchDirectory("dnf-");

        JValue reply = await RunAsync(Dnf, s_options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [RepoB], cancellationToken: Timeout);

        Assert.Equal("""[{"checksum": "sha256:bbbb", "mirrorlist": "https://mirrors.example/list-b"}]""", PythonJson.Compact(reply));
    }

    [Fact]
    public async Task Resolve_UnknownChecksum_Fails()
    {
        using var scratch = new ScratchDirectory("dnf-");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Dnf, s_options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [RepoA, "sha256:dddd"], cancellationToken: Timeout));

        Assert.Equal("org.osbuild.dnf: source unknown: sha256:dddd", failure.Message);
    }

    [Fact]
    public async Task Resolve_RepoWithoutUrl_FailsWithClearMessageNotMalformedJson()
    {
        using var scratch = new ScratchDirectory("dnf-");

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Dnf, s_options, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), ["sha256:cccc"], cancellationToken: Timeout));

        Assert.Equal("org.osbuild.dnf: repo sha256:cccc is missing baseurl, mirrorlist, or metalink key", failure.Message);
    }

    [Fact]
    public async Task Resolve_NoChecksums_EmptyArray()
    {
        using var scratch = new ScratchDirectory("dnf-");

        JValue reply = await RunAsync(Dnf, JValue.Object.Empty, JValue.Object.Empty, scratch.Combine("cache"), scratch.Combine("output"), [], cancellationToken: Timeout);

        Assert.Equal(JValue.Array.Empty, reply);
    }
}
