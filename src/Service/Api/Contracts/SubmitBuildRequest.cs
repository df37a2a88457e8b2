using System.Text.Json;

namespace Engine.Service.Api.Contracts;

/// <summary>POST /api/v1/builds.</summary>
/// <param name="Manifest">The manifest, in either osbuild form (what osbuild reads from a file).</param>
/// <param name="Sources">Optional: what <c>--sources FILE</c> would hold; replaces the manifest's "sources".</param>
/// <param name="Secrets">Optional: what <c>--secrets FILE</c> would hold. Never stored in the queue, never shown.</param>
/// <param name="Queue">The queue (e.g. the architecture); only workers given this queue take the build. Default "default".</param>
/// <param name="Retries">How many times a failed build is run again (default 0: a failure is final).</param>
internal sealed record SubmitBuildRequest(JsonElement? Manifest, JsonElement? Sources, JsonElement? Secrets, string? Queue, int? Retries);
