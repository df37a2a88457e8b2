namespace Engine.Service.Api;

/// <summary>osbuild could not be run or answered in a way it never should (the API answers 503).</summary>
internal sealed class EngineUnavailableException(string message) : Exception(message);
