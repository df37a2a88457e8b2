namespace Engine.Service.Api.Contracts;

/// <summary>
/// The body of every 4xx and 5xx answer: a stable code for programs, what is wrong, how to fix it,
/// and the individual messages when there are several (osbuild's own lines for a refused manifest).
/// </summary>
internal sealed record ErrorBody(string Code, string Message, string Fix, IReadOnlyList<string>? Details = null);
