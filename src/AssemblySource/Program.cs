using System.Text.Json;
using Engine.AssemblySource;
using Engine.Protocol;
using Engine.Protocol.Sdk;

// osbuild-assembly-source PLUGIN.dll: the source protocol of docs/protocol.md §5 (the request on
// stdin, the reply or {"error": ...} on stdout) served by the ISourcePlugin in PLUGIN.dll.
if (args.Length != 1 || !args[0].EndsWith(".dll", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: osbuild-assembly-source PLUGIN.dll (the osbuild host runs it for sources that are .NET assemblies)");
    return 2;
}

string pluginPath = Path.GetFullPath(args[0]);
string name = Path.GetFileNameWithoutExtension(pluginPath);
try
{
    SourceArguments request = JsonSerializer.Deserialize(Console.OpenStandardInput(), ProtocolJsonContext.Default.SourceArguments)
        ?? throw new PluginFailedException("expected the request object {\"options\", \"secrets\", \"cache\", \"output\", \"checksums\"} on stdin");
    Directory.CreateDirectory(request.Cache);
    Directory.CreateDirectory(request.Output);
    ISourcePlugin plugin = SourceAssembly.Load(pluginPath);
    JsonElement reply = await plugin.FetchAsync(request, CancellationToken.None);
    Console.Out.Write(reply.ValueKind == JsonValueKind.Undefined ? "{}" : reply.GetRawText());
    return 0;
}
catch (PluginFailedException e)
{
    SourceReply.WriteError(e.Message);
    return 1;
}
catch (Exception e) when (e is IOException or JsonException or BadImageFormatException or UnauthorizedAccessException)
{
    SourceReply.WriteError($"{name}: {e.Message}");
    return 1;
}
