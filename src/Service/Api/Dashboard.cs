using Engine.Service.Auth;
using Hangfire;
using Hangfire.Dashboard;

namespace Engine.Service.Api;

/// <summary>
/// Hangfire's dashboard (queues, jobs, servers, retries), read-only and behind the API's
/// authentication: a client token as the password of HTTP Basic, which a browser asks for. Jobs
/// carry only a build id, so nothing secret can show there.
/// </summary>
internal static class Dashboard
{
    public const string Path = "/hangfire";

    public static void Map(WebApplication app)
        => app.MapHangfireDashboard(Path, new DashboardOptions
        {
            IsReadOnlyFunc = _ => true,
            Authorization = Array.Empty<IDashboardAuthorizationFilter>(), // the endpoint's policy below decides
            DashboardTitle = "osbuild-service",
            DisplayStorageConnectionString = false,
            AppPath = null,
        }).RequireAuthorization(Roles.Client);
}
