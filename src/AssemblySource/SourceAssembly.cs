using System.Text.Json;
using Engine.Protocol;
using Engine.Protocol.Sdk;
using McMaster.NETCore.Plugins;

namespace Engine.AssemblySource;

/// <summary>
/// Loads a source plugin's assembly in a load context of its own (McMaster.NETCore.Plugins), which
/// shares only the contract types with this program, so the plugin's dependencies never clash
/// with ours.
/// </summary>
internal static class SourceAssembly
{
    /// <exception cref="PluginFailedException">The assembly has no usable <see cref="ISourcePlugin"/>.</exception>
    public static ISourcePlugin Load(string path)
    {
        var loader = PluginLoader.CreateFromAssemblyFile(
            path,
            sharedTypes: [typeof(ISourcePlugin), typeof(SourceArguments), typeof(JsonElement), typeof(PluginFailedException)],
            config => config.PreferSharedTypes = true);
        Type? type = loader.LoadDefaultAssembly().GetTypes()
            .FirstOrDefault(t => typeof(ISourcePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false });
        if (type is null || Activator.CreateInstance(type) is not ISourcePlugin plugin)
        {
            throw new PluginFailedException($"{path} has no public class implementing {typeof(ISourcePlugin).FullName} with a parameterless constructor");
        }

        return plugin;
    }
}
