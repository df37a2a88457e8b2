using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Engine.Service.Api.Contracts;

namespace Engine.Service.Api;

/// <summary>
/// Reads a JSON body, turning every way it can be wrong into a 400 that says where, in JSON terms
/// (not in the terms of the types it is read into).
/// </summary>
internal static class RequestBodies
{
    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, string example, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            T? value = await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken);
            return value is null ? Invalid("the body is empty or null", example) : value;
        }
        catch (JsonException e)
        {
            string where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}";
            string position = e.LineNumber is long line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return Invalid($"the body is not valid JSON, or has a value of the wrong type{where}{position}", example);
        }
    }

    private static Refusal Invalid(string message, string example)
        => new(StatusCodes.Status400BadRequest, new ErrorBody("invalid_json", message, $"send a JSON object like {example}"));
}
