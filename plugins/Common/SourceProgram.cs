using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Protocol;

namespace Engine.Plugins.Common;

/// <summary>
/// osbuild's sources contract: the request on stdin, one JSON value on stdout. A failure is the
/// object <c>{"error": "…"}</c> and exit status 1.
/// </summary>
internal static class SourceProgram
{
    public static int Run(string name, Func<SourceArguments, CancellationToken, Task<JsonNode>> body)
    {
        using var cancellation = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; cancellation.Cancel(); });
        JsonNode reply;
        int status = 0;
        try
        {
            SourceArguments arguments = JsonSerializer.Deserialize(Console.OpenStandardInput(), ProtocolJsonContext.Default.SourceArguments)
                ?? throw new SourceFailedException("expected the request object {\"options\", \"secrets\", \"cache\", \"output\", \"checksums\"} on stdin");
            reply = body(arguments, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (SourceFailedException e)
        {
            reply = new JsonObject { ["error"] = e.Message };
            status = 1;
        }
        catch (JsonException e)
        {
            reply = new JsonObject { ["error"] = $"{name}: malformed request on stdin: {e.Message}" };
            status = 1;
        }
        catch (OperationCanceledException)
        {
            reply = new JsonObject { ["error"] = $"{name}: interrupted" };
            status = 143;
        }

        using var stdout = Console.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout);
        reply.WriteTo(writer);
        writer.Flush();
        return status;
    }
}

/// <summary>A source failed with a message for the stage that asked.</summary>
internal sealed class SourceFailedException(string message) : Exception(message);
