namespace Engine.Service.Auth;

/// <summary>Who a token belongs to. Clients and workers have separate tokens and separate endpoints.</summary>
internal sealed record Caller(string Name, CallerRole Role, PluginPolicy Plugins);

internal enum CallerRole
{
    Client,
    Worker,
}

/// <summary>Names of the roles and policies of the API's authorization.</summary>
internal static class Roles
{
    public const string Client = "client";
    public const string Worker = "worker";
    public const string Scheme = "token";
}
