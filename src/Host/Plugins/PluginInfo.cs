namespace Engine.Host.Plugins;

/// <summary>A plugin found on the search path.</summary>
/// <param name="Name">Reverse-DNS name.</param>
/// <param name="Kind">One of <see cref="PluginKind"/>.</param>
/// <param name="Root">The plugin root it was found in.</param>
/// <param name="ExecutablePath">The executable (may be a symlink into the root, e.g. to the multi-call binary).</param>
/// <param name="Meta">Its meta file; null when it has none (options are then not validated).</param>
/// <param name="AssemblyPath">For a .NET source dropped in as an assembly folder, its main assembly; null for executables.</param>
public sealed record PluginInfo(string Name, string Kind, string Root, string ExecutablePath, PluginMeta? Meta, string? AssemblyPath = null)
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Whether the plugin can be started: an assembly source is loaded, not executed; an executable
    /// needs an execute bit (root may run any file that has one). A broken symlink is not executable.
    /// </summary>
    public bool IsRunnable
    {
        get
        {
            if (AssemblyPath is not null)
            {
                return true;
            }

            try
            {
                return (File.GetUnixFileMode(ExecutablePath) & AnyExecute) != 0;
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
