using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Engine.Service.Api;

/// <summary>
/// Documents a JSON request body that a handler reads itself. <c>Accepts&lt;T&gt;</c> would also make
/// ASP.NET Core refuse other content types with a bare 415, and curl sends form encoding unless
/// told otherwise; the handlers read the body as JSON whatever its content type says.
/// </summary>
internal static class OpenApiBodies
{
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder)
        => builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            OpenApiSchema schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } },
            };
        });
}
