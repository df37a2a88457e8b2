namespace Engine.Host.Plugins;

/// <summary>A plugin cannot be found or used; the message says where the host looked and what to do.</summary>
public sealed class PluginException(string message) : Exception(message);
