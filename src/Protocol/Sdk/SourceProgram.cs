using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.Protocol.Sdk;

/// <summary>
/// The frame of a source program (docs/protocol.md §5): the request
/// (<see cref="SourceArguments"/>) on stdin, one JSON value on stdout. A source's code is only its
/// fetch; a failure (<see cref="PluginFailedException"/>, or an I/O error) becomes the reply
/// <c>{"error": "…"}</c> and exit status 1, SIGTERM status 143.
/// <code>return SourceProgram.Run("org.example.source", async (request, ct) => { … return new JsonObject(); });</code>
/// </summary>
public static class SourceProgram
{
    /// <summary>Reads the request, runs <paramref name="fetch"/> and writes its reply (or the error) to stdout.</summary>
    /// <param name="name">The source's name, for messages.</param>
    /// <param name="fetch">Writes a file named after each checksum into <see cref="SourceArguments.Output"/>
    /// and returns the reply for the stage. It fails with <see cref="PluginFailedException"/>, whose
    /// message reaches the stage that asked.</param>
    /// <returns>The process exit status: 0, 1 on failure, 143 when interrupted by SIGTERM.</returns>
    public static int Run(string name, Func<SourceArguments, CancellationToken, Task<JsonNode>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        using var cancellation = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cancellation.Cancel(); });
        JsonNode reply;
        int status = 0;
        try
        {
            SourceArguments arguments = JsonSerializer.Deserialize(Console.OpenStandardInput(), ProtocolJsonContext.Default.SourceArguments)
                ?? throw new PluginFailedException("expected the request object {\"options\", \"secrets\", \"cache\", \"output\", \"checksums\"} on stdin");
            reply = fetch(arguments, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (PluginFailedException e)
        {
            reply = new JsonObject { ["error"] = e.Message };
            status = 1;
        }
        catch (JsonException e)
        {
            reply = new JsonObject { ["error"] = $"{name}: malformed request on stdin: {e.Message}" };
            status = 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder the source needed is missing or unwritable, or the disk is full: a reply, not a crash.
            reply = new JsonObject { ["error"] = $"{name}: {e.Message}" };
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
