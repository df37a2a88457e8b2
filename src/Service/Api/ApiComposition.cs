using Engine.Service.Auth;
using Engine.Service.Builds;
using Engine.Service.Configuration;
using Engine.Service.Jobs;
using Engine.Service.Storage;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.OpenApi;

namespace Engine.Service.Api;

/// <summary>The API role: services, authentication, OpenAPI document and endpoints.</summary>
internal static class ApiComposition
{
    public static void AddApi(WebApplicationBuilder builder, ApiSettings settings, TokenRegistry tokens)
    {
        IServiceCollection services = builder.Services;
        builder.WebHost.UseUrls(settings.ListenUrl);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Engine);
        services.AddSingleton(tokens);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new BuildRepository(settings.DataDirectory));
        services.AddSingleton<ManifestValidator>();
        services.AddSingleton<LogStore>();
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<BuildJobQueue>();
        services.AddSingleton<AttemptLedger>();
        services.AddSingleton<BuildSubmitter>();
        services.AddSingleton<BuildCanceller>();
        services.AddHostedService<BuildReconciler>();
        services.AddHostedService<RetentionSweeper>();
        services.AddHangfire(configuration => JobStorageSetup.Configure(configuration, settings.Storage));
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceJson.Default));

        // Nothing of the service is protected with ASP.NET Core's data protection (tokens are
        // compared by hash); keys in memory keep it from writing a key ring to the disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(Roles.Scheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(Roles.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Client, policy => policy.RequireRole(Roles.Client))
            .AddPolicy(Roles.Worker, policy => policy.RequireRole(Roles.Worker));

        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "osbuild-service",
                    Version = "1",
                    Description = "Builds at scale: submit osbuild manifests, follow them, download their artifacts. Clients and workers use separate bearer tokens.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "a client token (client endpoints) or a worker token (/api/worker/v1)",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
    }

    public static void MapApi(WebApplication app, ApiSettings settings)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();
        StatusEndpoint.Map(app, settings.Storage);
        ClientEndpoints.Map(app);
        WorkerEndpoints.Map(app);
        Dashboard.Map(app);
    }
}
