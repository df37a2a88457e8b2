namespace Engine.Service;

/// <summary>A configuration the service cannot start with; the message says what to change.</summary>
internal sealed class ServiceConfigurationException(string message) : Exception(message);
