using Engine.Plugins.Builtin;

namespace Engine.Plugins.Assemblers.Noop;

/// <summary>org.osbuild.noop as an assembler: writes nothing into the output directory and says so.</summary>
internal static class NoopAssembler
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddAssembler("org.osbuild.noop", (context, _) =>
    {
        Console.WriteLine($"Not doing anything with these options: {PythonJsonText.Dumps(context.Options)}");
        return Task.CompletedTask;
    });
}
