using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Engine.Service.Api;
using Engine.Service.Api.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Engine.Service.Auth;

/// <summary>
/// Bearer tokens for programs (<c>Authorization: Bearer TOKEN</c>), and the same token as the
/// password of HTTP Basic for the dashboard, so that a browser asks for it. A missing or unknown
/// token gets 401 with an error body; a token of the wrong kind (a worker's on a client endpoint)
/// gets 403.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenRegistry tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string CallerItem = "osbuild-service.caller";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !AuthenticationHeaderValue.TryParse(header, out AuthenticationHeaderValue? value) || value.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string? token = value.Scheme.ToLowerInvariant() switch
        {
            "bearer" => value.Parameter,
            "basic" => BasicPassword(value.Parameter),
            _ => null,
        };
        Caller? caller = token is null ? null : tokens.Find(token);
        if (caller is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown token"));
        }

        Context.Items[CallerItem] = caller;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, caller.Name), new Claim(ClaimTypes.Role, caller.Role == CallerRole.Client ? Roles.Client : Roles.Worker)],
            Roles.Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Roles.Scheme)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Request.Path.StartsWithSegments(Dashboard.Path)
            ? "Basic realm=\"osbuild-service\", charset=\"UTF-8\""
            : "Bearer realm=\"osbuild-service\"";
        bool presented = !string.IsNullOrEmpty(Request.Headers.Authorization);
        await Response.WriteAsJsonAsync(
            new ErrorBody(
                presented ? "invalid_token" : "missing_token",
                presented ? "the token is not one this service knows" : "this endpoint needs a token",
                "send \"Authorization: Bearer TOKEN\" with a token listed in the service's tokens file (docs/service.md, \"Tokens\")"),
            ServiceJson.Default.ErrorBody);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        bool isWorker = Context.Items[CallerItem] is Caller { Role: CallerRole.Worker };
        await Response.WriteAsJsonAsync(
            new ErrorBody(
                "wrong_token_kind",
                isWorker ? "a worker token cannot call client endpoints" : "a client token cannot call worker endpoints",
                isWorker ? "use a client token (\"clients\" in the tokens file)" : "use a worker token (\"workers\" in the tokens file)"),
            ServiceJson.Default.ErrorBody);
    }

    private static string? BasicPassword(string parameter)
    {
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
