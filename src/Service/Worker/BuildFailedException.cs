namespace Engine.Service.Worker;

/// <summary>
/// Thrown by a build job whose osbuild failed, after the API has been told: Hangfire then shows the
/// job as failed, with this message, in the dashboard. Never retried by Hangfire (see BuildJob).
/// </summary>
public sealed class BuildFailedException(string message) : Exception(message);
