using Engine.Service.Api.Contracts;

namespace Engine.Service.Api;

/// <summary>A request the service will not carry out: the HTTP status and the body that says why.</summary>
internal sealed record Refusal(int Status, ErrorBody Body)
{
    public static Refusal NotFound(string id)
        => new(StatusCodes.Status404NotFound, new ErrorBody(
            "build_not_found",
            $"there is no build {id}",
            "check the id returned by POST /api/v1/builds; finished builds are removed after the retention period"));

    public IResult ToResult() => Results.Json(Body, ServiceJson.Default.ErrorBody, statusCode: Status);
}

/// <summary>What a request produced: a value, or a <see cref="Refusal"/>.</summary>
internal readonly record struct Outcome<T>(T? Value, Refusal? Refusal)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}
