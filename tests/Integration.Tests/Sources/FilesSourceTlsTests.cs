using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Engine.Host.Json;
using Engine.Host.Services.Sources;
using static Engine.Integration.Tests.Sources.SourcesTestEnvironment;

namespace Engine.Integration.Tests.Sources;

/// <summary>
/// org.osbuild.files against a real TLS server that requires a client certificate: a test CA issues
/// the server's and the client's certificates; the source gets the client pair and the CA as secrets.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class FilesSourceTlsTests
{
    private const string Files = "org.osbuild.files";

    [Fact]
    public async Task Fetch_HttpsWithClientCertificateSecret_ServerSeesCertificate()
    {
        // Given
        using var scratch = new ScratchDirectory("files-tls-");
        using var pki = new TestPki();
        string? seen = null; // the thumbprint: SslStream disposes the certificate after the handshake
        await using var server = new TestHttpServer(serverCertificate: pki.Server, acceptClient: c =>
        {
            seen = c?.Thumbprint;
            return c is not null && c.Thumbprint == pki.Client.Thumbprint;
        });
        var (checksum, bytes) = FilesSourceTests.Payload(10_000, seed: 20);
        server.Map("/secret-file", _ => new TestResponse(200, bytes));
        JValue secrets = JValue.Object.From(
            ("ssl_client_cert", new JValue.String(pki.Client.ExportCertificatePem())),
            ("ssl_client_key", new JValue.String(pki.ClientKeyPem)),
            ("ssl_ca_cert", new JValue.String(pki.Authority.ExportCertificatePem())));

        // When
        await RunAsync(Files, Urls((checksum, server.BaseUrl + "secret-file")), secrets, scratch.Combine("cache"), scratch.Combine("output"), [checksum],
            cancellationToken: TestContext.Current.CancellationToken);

        // Then
        Assert.Equal(pki.Client.Thumbprint, seen);
        Assert.Equal(bytes, File.ReadAllBytes(scratch.Combine("output", checksum)));
    }

    [Fact]
    public async Task Fetch_HttpsWithoutClientCertificate_FailsNamingUrlWithoutSecrets()
    {
        // Given a server that refuses clients without a certificate, and only the CA as a secret
        using var scratch = new ScratchDirectory("files-tls-none-");
        using var pki = new TestPki();
        await using var server = new TestHttpServer(serverCertificate: pki.Server, acceptClient: c => c is not null);
        string checksum = FilesSourceTests.Payload(10, seed: 21).Checksum;
        string caPem = pki.Authority.ExportCertificatePem();

        // When
        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, server.BaseUrl + "f")), JValue.Object.From(("ssl_ca_cert", new JValue.String(caPem))),
            scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: TestContext.Current.CancellationToken));

        // Then
        Assert.StartsWith($"org.osbuild.files: error downloading {server.BaseUrl}f (for {checksum}):", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("net_", failure.Message, StringComparison.Ordinal); // a .NET resource key instead of a reason
        Assert.Equal(0, server.TotalHits);
    }

    [Fact]
    public async Task Fetch_UnknownSecretKey_RefusedBeforeDownloading()
    {
        using var scratch = new ScratchDirectory("files-tls-typo-");
        await using var server = new TestHttpServer();
        string checksum = FilesSourceTests.Payload(10, seed: 22).Checksum;

        var failure = await Assert.ThrowsAsync<SourceFailedException>(() => RunAsync(
            Files, Urls((checksum, server.BaseUrl + "f")), JValue.Object.From(("sslclientcert", new JValue.String("-----BEGIN CERTIFICATE-----"))),
            scratch.Combine("cache"), scratch.Combine("output"), [checksum], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("org.osbuild.files: unknown key 'sslclientcert' in secrets; known keys: ssl_client_cert, ssl_client_key, ssl_ca_cert", failure.Message);
        Assert.Equal(0, server.TotalHits);
    }

    /// <summary>A CA with a server certificate for 127.0.0.1 and a client certificate, valid for a day.</summary>
    private sealed class TestPki : IDisposable
    {
        public TestPki()
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var authorityRequest = new CertificateRequest("CN=osbuild test CA", authorityKey, HashAlgorithmName.SHA256);
            authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            Authority = authorityRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            serverRequest.CertificateExtensions.Add(names.Build());
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using (X509Certificate2 serverPublic = serverRequest.Create(Authority, now.AddHours(-1), now.AddDays(1), [1]))
            {
                Server = serverPublic.CopyWithPrivateKey(serverKey);
            }

            using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var clientRequest = new CertificateRequest("CN=osbuild test client", clientKey, HashAlgorithmName.SHA256);
            clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            Client = clientRequest.Create(Authority, now.AddHours(-1), now.AddDays(1), [2]);
            ClientKeyPem = clientKey.ExportPkcs8PrivateKeyPem();
        }

        public X509Certificate2 Authority { get; }

        public X509Certificate2 Server { get; }

        public X509Certificate2 Client { get; }

        public string ClientKeyPem { get; }

        public void Dispose()
        {
            Authority.Dispose();
            Server.Dispose();
            Client.Dispose();
        }
    }
}
