using System.Reflection;
using Engine.Service.Api.Contracts;
using Engine.Service.Configuration;

namespace Engine.Service.Api;

/// <summary>GET /api/v1/status, without a token: is this the service, which version, which storage.</summary>
internal static class StatusEndpoint
{
    public static void Map(WebApplication app, StorageSettings storage)
    {
        string version = typeof(StatusEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var info = new ServiceInfo("osbuild-service", version, storage.IsEmbedded ? "in-memory" : "postgresql");
        app.MapGet("/api/v1/status", () => Results.Json(info, ServiceJson.Default.ServiceInfo))
            .AllowAnonymous()
            .WithTags("service")
            .WithSummary("The service's name, version and job storage; needs no token")
            .Produces<ServiceInfo>();
    }
}
