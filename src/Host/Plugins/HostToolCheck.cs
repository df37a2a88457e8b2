using Engine.Protocol;
using Pipe = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Plugins;

/// <summary>
/// Before a build starts: the programs the plugins of the manifest need (their meta file's
/// <c>requires</c> without <c>when</c>) that this host lacks, each with the package to install, so a
/// build does not fail halfway through. Only pipelines without a build pipeline are checked: their
/// runner, stages and assembler run in a container made from the host's own tree, so the programs
/// must be on the host. A pipeline with a build pipeline runs its plugins in that build root, whose
/// programs are the build pipeline's business (it installs them), not the host's.
/// </summary>
internal static class HostToolCheck
{
    /// <summary>One message per missing program; empty when everything is there.</summary>
    public static IReadOnlyList<string> Missing(Pipe pipeline, PluginCatalog catalog, Func<string, bool> installed)
    {
        var problems = new List<string>();
        foreach (Pipe onHost in pipeline.SelfAndBuilds().Where(p => p.Build is null))
        {
            var plugins = new List<(string Kind, string Name, string Where)> { (PluginKind.Runner, onHost.Runner, "the runner") };
            plugins.AddRange(onHost.Stages.Select(s => (PluginKind.Stage, s.Name, s.JsonPath)));
            if (onHost.Assembler is { } assembler)
            {
                plugins.Add((PluginKind.Assembler, assembler.Name, assembler.JsonPath));
            }

            foreach (var (kind, name, where) in plugins)
            {
                foreach (HostRequirement requirement in catalog.Find(kind, name)?.Meta?.Requires ?? [])
                {
                    if (requirement.Always && !installed(requirement.Command))
                    {
                        problems.Add($"{name} ({PluginKind.Singular(kind)}, {where}) runs {requirement.Command}, which is not installed on this host "
                            + $"(the pipeline has no build pipeline, so it runs on the host's tree): apt-get install {requirement.Package}");
                    }
                }
            }
        }

        return [.. problems.Distinct()];
    }
}
