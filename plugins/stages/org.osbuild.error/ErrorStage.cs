using System.Globalization;
using System.Numerics;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Error;

/// <summary>
/// org.osbuild.error: always "fails" with the given status, for tests. The status
/// follows Python's <c>sys.exit(value)</c>: an integer is passed to the OS, which keeps the low
/// 8 bits; true/false are 1/0; null is 0; anything else (a float, a string) is printed to stderr
/// and gives 1.
/// </summary>
internal static class ErrorStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.error", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        // Not OptionReader: here a null is a value, as sys.exit(None) is (status 0), not "not given".
        JsonElement? returnCode = context.Options.TryGetProperty("returncode", out JsonElement given) ? given : null;
        string shown = returnCode is { } value ? PythonValue.Str(value) : "255";
        Console.WriteLine($"Error stage will now return error: {shown}");
        int status = returnCode is { } code ? ExitStatus(code) : 255;
        Console.Out.Flush();

        // Exit here: the SDK would add its own failure line to the log, which osbuild's stage does not print.
        Environment.Exit(status);
    }

    /// <summary>The status Python's <c>sys.exit(value)</c> gives for a JSON value.</summary>
    internal static int ExitStatus(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when !PythonValue.IsFloat(value):
                // CPython converts with PyLong_AsLong: a value beyond a C long becomes -1, i.e. 255.
                BigInteger number = BigInteger.Parse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                return number >= long.MinValue && number <= long.MaxValue ? (int)((long)number & 0xff) : 255;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
            case JsonValueKind.Null:
                return 0;
            default:
                // sys.exit(2.0) or sys.exit("text"): Python prints the value and exits with 1.
                Console.Error.WriteLine(PythonValue.Str(value));
                return 1;
        }
    }
}
