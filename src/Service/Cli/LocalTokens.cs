namespace Engine.Service.Cli;

/// <summary>
/// Tokens of the one-machine mode: without --tokens, the first start makes DATA/tokens.json with one
/// client (every plugin allowed) and writes that client's token to DATA/client-token, readable by
/// root only, for curl: <c>-H "Authorization: Bearer $(cat DATA/client-token)"</c>.
/// </summary>
internal static class LocalTokens
{
    public static string EnsureFile(string dataDirectory)
    {
        string tokensFile = Path.Combine(dataDirectory, "tokens.json");
        if (File.Exists(tokensFile))
        {
            return tokensFile;
        }

        string token = Auth.TokenRegistry.NewToken();
        string tokenFile = Path.Combine(dataDirectory, "client-token");
        WriteOwnerOnly(tokenFile, token + "\n");
        WriteOwnerOnly(tokensFile, $$"""
            {
              "clients": [
                { "name": "local", "sha256": "{{Auth.TokenRegistry.Hash(token)}}", "allow_plugins": ["*"] }
              ],
              "workers": []
            }

            """);
        return tokensFile;
    }

    /// <summary>The address the in-process worker uses to reach the API: the listen address, on loopback when it listens on all interfaces.</summary>
    public static Uri LoopbackUrl(string listenUrl)
    {
        var builder = new UriBuilder(listenUrl.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }

        builder.Path = "/";
        return builder.Uri;
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
