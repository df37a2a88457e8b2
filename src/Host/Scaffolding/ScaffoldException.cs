namespace Engine.Host.Scaffolding;

/// <summary>A plugin cannot be scaffolded as asked; the message names the culprit and what to do.</summary>
public sealed class ScaffoldException(string message) : Exception(message);
