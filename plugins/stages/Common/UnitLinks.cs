namespace Engine.Plugins.Stages.Common;

/// <summary>The <c>*.target.wants/UNIT → ../UNIT</c> link that stages write by hand instead of running systemctl.</summary>
internal static class UnitLinks
{
    /// <summary>Links <paramref name="unit"/> into <paramref name="system"/>/<paramref name="wants"/>.</summary>
    /// <exception cref="PluginFailedException">The wants folder is missing or the link exists already.</exception>
    public static void Want(string system, string wants, string unit)
    {
        string folder = Path.Join(system, wants);
        if (!Directory.Exists(folder))
        {
            throw new PluginFailedException($"{folder} does not exist: the tree's systemd must provide it (install systemd in the tree first)");
        }

        string link = Path.Join(folder, unit);
        if (FileEntries.Exists(link))
        {
            throw new PluginFailedException($"{link} exists already: this stage can run only once on a tree");
        }

        File.CreateSymbolicLink(link, "../" + unit);
    }
}
