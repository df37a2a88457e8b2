namespace Engine.Plugins.Stages.Common;

/// <summary>
/// The shared shape of the hostname, keymap, locale and timezone stages: drop the file that
/// systemd-firstboot would refuse to overwrite, then let the build root's systemd-firstboot
/// validate the value and write the file in the tree (<c>--root=TREE</c>).
/// </summary>
internal static class SystemdFirstboot
{
    /// <param name="tree">The tree.</param>
    /// <param name="file">The file firstboot writes, absolute inside the tree, e.g. <c>/etc/hostname</c>.</param>
    /// <param name="argument">The firstboot argument, e.g. <c>--hostname=example</c>.</param>
    public static void Set(string tree, string file, string argument)
    {
        string path = tree + file;
        if (FileEntries.Exists(path))
        {
            Console.WriteLine($"{file} already exists. Replacing.");
            File.Delete(path);
        }

        string firstboot = Command.Require("systemd-firstboot", "systemd");
        Command.Run(firstboot, [$"--root={tree}", argument], CommandSettings.Echoed);
    }
}
