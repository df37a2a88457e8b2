using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Zipl;

/// <summary>
/// org.osbuild.zipl: a minimal <c>/etc/zipl.conf</c> for s390x; the boot loader
/// itself is written by the qemu assembler.
/// </summary>
internal static class ZiplStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.zipl", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        JsonElement? timeout = OptionReader.Find(context.Options, "timeout");
        string timeoutText = timeout is { } value ? PythonValue.Str(value) : "0";
        Directory.CreateDirectory(Path.Join(context.Tree, "etc"));
        TextFiles.Replace(
            Path.Join(context.Tree, "etc/zipl.conf"),
            $"[defaultboot]\ndefaultauto\nprompt=1\ntimeout={timeoutText}\ntarget=/boot\n");
    }
}
