using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Engine.Host.Json;
using Engine.Host.Plugins;
using Engine.Protocol;
using Engine.Protocol.Sdk;
using McMaster.NETCore.Plugins;

namespace Engine.Host.Services.Sources;

/// <summary>
/// Loads .NET sources dropped in as assembly folders and calls them in-process. Each assembly gets
/// its own load context (McMaster.NETCore.Plugins), sharing only the Protocol types with the host,
/// so a plugin's dependencies never clash with ours. Loaded once per build, unloaded never (the
/// process ends with the build).
/// </summary>
internal sealed class AssemblySourceHost
{
    private readonly Dictionary<string, ISourcePlugin> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<JValue> FetchAsync(PluginInfo source, SourceArguments request, CancellationToken cancellationToken)
    {
        ISourcePlugin plugin = Load(source);
        Directory.CreateDirectory(request.Cache);
        Directory.CreateDirectory(request.Output);
        try
        {
            JsonElement reply = await plugin.FetchAsync(request, cancellationToken);
            return JsonTextParser.Parse(reply.ValueKind == JsonValueKind.Undefined ? "{}" : reply.GetRawText(), source.Name);
        }
        catch (PluginFailedException e)
        {
            throw new SourceFailedException(source.Name, e.Message);
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Never reached in the NativeAOT front end: it hands over to the managed host before any container runs (Cli/ManagedHost).")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Never reached in the NativeAOT front end: it hands over to the managed host before any container runs (Cli/ManagedHost).")]
    private ISourcePlugin Load(PluginInfo source)
    {
        lock (_lock)
        {
            if (_loaded.TryGetValue(source.AssemblyPath!, out ISourcePlugin? cached))
            {
                return cached;
            }

            var loader = PluginLoader.CreateFromAssemblyFile(
                source.AssemblyPath!,
                sharedTypes: [typeof(ISourcePlugin), typeof(SourceArguments), typeof(JsonElement)],
                config => config.PreferSharedTypes = true);
            Type? type = loader.LoadDefaultAssembly().GetTypes()
                .FirstOrDefault(t => typeof(ISourcePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false });
            if (type is null || Activator.CreateInstance(type) is not ISourcePlugin plugin)
            {
                throw new SourceFailedException(source.Name, $"{source.AssemblyPath} has no public class implementing {typeof(ISourcePlugin).FullName} with a parameterless constructor");
            }

            _loaded[source.AssemblyPath!] = plugin;
            return plugin;
        }
    }
}
