namespace Engine.Service.Worker;

/// <summary>The API did not answer within the worker's retry budget.</summary>
internal sealed class ApiUnreachableException(string message) : Exception(message);
