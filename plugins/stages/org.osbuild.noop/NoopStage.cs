using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.Noop;

/// <summary>org.osbuild.noop: changes nothing and says so (tests, debugging).</summary>
internal static class NoopStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.noop", (context, _) =>
    {
        Console.WriteLine($"Not doing anything with these options: {PythonJsonText.Dumps(context.Options)}");
        return Task.CompletedTask;
    });
}
