namespace Engine.Host.Debian;

/// <summary>Resolving a package set failed; the message says what and how to fix it.</summary>
internal sealed class DepsolveException(string message) : Exception(message);
