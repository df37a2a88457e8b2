using System.Text.Json;

namespace Engine.Protocol.Sdk;

/// <summary>
/// The entry point of a C# stage or assembler: reads the arguments from stdin, runs the body,
/// turns failures into a message on stderr and an exit status. A plugin's Main is one line:
/// <code>return PluginRunner.Run("org.example.hello", async (ctx, ct) => { … });</code>
/// </summary>
public static class PluginRunner
{
    /// <summary>Runs <paramref name="body"/> and returns the process exit status.</summary>
    public static int Run(string name, Func<PluginContext, CancellationToken, Task> body)
        => Run(name, Console.OpenStandardInput(), HostConnection.FromEnvironment, body);

    /// <summary>Runs <paramref name="body"/> with explicit stdin and channel (for tests and multi-call hosts).</summary>
    public static int Run(string name, Stream stdin, Func<HostConnection?> connect, Func<PluginContext, CancellationToken, Task> body)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(body);
        using var cancellation = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; cancellation.Cancel(); });
        try
        {
            PluginArguments arguments = ReadArguments(name, stdin);
            var context = new PluginContext(name, arguments, connect);
            try
            {
                body(context, cancellation.Token).GetAwaiter().GetResult();
            }
            finally
            {
                context.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return 0;
        }
        catch (PluginFailedException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"{name}: {e.Message}");
            return e.ExitCode;
        }
        catch (RpcErrorException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"{name}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the plugin needed is missing, unreadable or the disk is full: one line, not a crash.
            Console.Out.Flush();
            Console.Error.WriteLine($"{name}: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{name}: interrupted");
            return 143;
        }
    }

    /// <summary>Reads and checks the arguments JSON.</summary>
    /// <exception cref="PluginFailedException">stdin does not hold the arguments object.</exception>
    public static PluginArguments ReadArguments(string name, Stream stdin)
    {
        try
        {
            PluginArguments? arguments = JsonSerializer.Deserialize(stdin, ProtocolJsonContext.Default.PluginArguments);
            if (arguments is null || string.IsNullOrEmpty(arguments.Tree))
            {
                throw new PluginFailedException("expected the arguments object {\"tree\", \"options\", …} on stdin");
            }

            return arguments.Options.ValueKind == JsonValueKind.Object
                ? arguments
                : arguments with { Options = JsonDocument.Parse("{}").RootElement };
        }
        catch (JsonException e)
        {
            throw new PluginFailedException($"stdin is not the arguments JSON ({e.Message}); {name} is meant to be run by the osbuild host");
        }
    }
}
