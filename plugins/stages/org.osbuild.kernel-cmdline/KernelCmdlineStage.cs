using Engine.Plugins.Builtin;

namespace Engine.Plugins.Stages.KernelCmdline;

/// <summary>
/// org.osbuild.kernel-cmdline: <c>/etc/kernel/cmdline</c>, read by kernel-install
/// when kernel packages are installed later. No trailing newline, as osbuild writes it.
/// </summary>
internal static class KernelCmdlineStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.kernel-cmdline", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string rootFsUuid = OptionReader.String(context.Options, "root_fs_uuid") ?? "";
        string kernelOpts = OptionReader.String(context.Options, "kernel_opts") ?? "";
        var parameters = new List<string>();
        if (rootFsUuid.Length > 0)
        {
            parameters.Add($"root=UUID={rootFsUuid}");
        }

        if (kernelOpts.Length > 0)
        {
            parameters.Add(kernelOpts);
        }

        string folder = Path.Join(context.Tree, "etc/kernel");
        Directory.CreateDirectory(folder);
        TextFiles.Replace(Path.Join(folder, "cmdline"), string.Join(' ', parameters));
    }
}
