using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// The TLS material of this source's secrets entry (osbuild's files source has none; the shape is
/// ours and is described in the meta file):
/// <c>{"ssl_client_cert": pem, "ssl_client_key": pem, "ssl_ca_cert": pem}</c>, every key optional.
/// A client certificate is offered to every HTTPS server; a CA certificate replaces the system's
/// trust store, like curl's <c>--cacert</c>. Error messages never quote the PEM text.
/// </summary>
internal sealed class TlsSecrets : IDisposable
{
    private static readonly string[] s_keys = ["ssl_client_cert", "ssl_client_key", "ssl_ca_cert"];

    private readonly X509Certificate2? _clientCertificate;
    private readonly X509Certificate2Collection _trustedRoots;

    private TlsSecrets(X509Certificate2? clientCertificate, X509Certificate2Collection trustedRoots)
    {
        _clientCertificate = clientCertificate;
        _trustedRoots = trustedRoots;
    }

    /// <exception cref="PluginFailedException">Unknown key, not a string, or PEM that does not load.</exception>
    public static TlsSecrets Read(JsonElement secrets)
    {
        if (secrets.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return new TlsSecrets(null, new X509Certificate2Collection());
        }

        if (secrets.ValueKind != JsonValueKind.Object)
        {
            throw new PluginFailedException($"secrets must be an object with {string.Join(", ", s_keys)}, not {JsonKinds.Describe(secrets)}");
        }

        foreach (JsonProperty property in secrets.EnumerateObject())
        {
            if (!s_keys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new PluginFailedException($"unknown key '{property.Name}' in secrets; known keys: {string.Join(", ", s_keys)}");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new PluginFailedException($"secrets: '{property.Name}' must be a PEM string");
            }
        }

        string? certPem = Get(secrets, "ssl_client_cert");
        string? keyPem = Get(secrets, "ssl_client_key");
        string? caPem = Get(secrets, "ssl_ca_cert");
        X509Certificate2? client = null;
        if (certPem is not null)
        {
            try
            {
                // A PEM with both the certificate and its key may come alone.
                client = X509Certificate2.CreateFromPem(certPem, keyPem ?? certPem);
            }
            catch (CryptographicException e)
            {
                throw new PluginFailedException(
                    $"secrets: cannot load ssl_client_cert with ssl_client_key: expected a PEM CERTIFICATE and its PEM PRIVATE KEY{Detail(e)}");
            }
        }
        else if (keyPem is not null)
        {
            throw new PluginFailedException("secrets: ssl_client_key is given without ssl_client_cert");
        }

        var roots = new X509Certificate2Collection();
        if (caPem is not null)
        {
            try
            {
                roots.ImportFromPem(caPem);
            }
            catch (CryptographicException e)
            {
                throw new PluginFailedException($"secrets: cannot load ssl_ca_cert: expected PEM CERTIFICATE blocks{Detail(e)}");
            }

            if (roots.Count == 0)
            {
                throw new PluginFailedException("secrets: ssl_ca_cert holds no CERTIFICATE block");
            }
        }

        return new TlsSecrets(client, roots);
    }

    /// <summary>Client options for <see cref="System.Net.Http.SocketsHttpHandler.SslOptions"/>.</summary>
    public SslClientAuthenticationOptions ToClientOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (_clientCertificate is not null)
        {
            // A selection callback, because the default selection drops a certificate whose issuer
            // is not among the names the server lists, and many servers list none.
            X509Certificate2 certificate = _clientCertificate;
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (_trustedRoots.Count > 0)
        {
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(_trustedRoots);
        }

        return options;
    }

    public void Dispose()
    {
        _clientCertificate?.Dispose();
        foreach (X509Certificate2 root in _trustedRoots)
        {
            root.Dispose();
        }
    }

    private static string Detail(CryptographicException e) => ErrorText.External(e) is string text ? $" ({text})" : "";

    private static string? Get(JsonElement secrets, string key)
        => secrets.TryGetProperty(key, out JsonElement value) ? value.GetString() : null;
}
