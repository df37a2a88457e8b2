using System.CommandLine;
using System.Runtime.InteropServices;
using Engine.Host.Cli;
using Engine.Host.Diff;
using Engine.Host.Plugins;

// The osbuild command. Signals become cancellation (so every container, mount and loop device is
// cleaned up) and then osbuild's exit statuses: 130 for SIGINT, 143 for SIGTERM.
using var interrupted = new CancellationTokenSource();
int signalExit = 0;
void OnSignal(PosixSignalContext context, int exitCode)
{
    context.Cancel = true;
    signalExit = exitCode;
    interrupted.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, ExitCodes.Interrupted));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, ExitCodes.Terminated));

RootCommand root = CommandLineDefinition.Create(out IReadOnlyCollection<string> longOptions);
ParseResult parsed = root.Parse(OptionAbbreviations.Expand(args, longOptions));
IReadOnlyList<string> usageErrors = [.. parsed.Errors.Select(e => e.Message), .. CommandLineDefinition.MisplacedOptions(parsed)];
if (usageErrors.Count > 0)
{
    foreach (string error in usageErrors)
    {
        Console.Error.WriteLine($"error: {error}");
    }

    Console.Error.WriteLine($"Try `{CommandHelp.Path(parsed.CommandResult.Command)} --help`.");
    return ExitCodes.InvalidInput;
}

try
{
    var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
    int status = await parsed.InvokeAsync(invocation, interrupted.Token);
    return signalExit != 0 ? signalExit : status;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    // Every container, mount, loop device and temporary directory has been released on the way here.
    Console.Out.Write("\n\x1b[0m\x1b[1m\x1b[31mAborted\x1b[0m\n");
    return signalExit;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or Engine.Host.Plugins.PluginException or InvalidOperationException)
{
    // An environment problem (disk full, permissions, a broken plugin root): a message, not a stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.BuildFailed;
}
