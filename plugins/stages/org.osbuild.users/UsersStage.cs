using System.Globalization;
using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Users;

/// <summary>
/// org.osbuild.users: creates (useradd) or changes (usermod) accounts with the tree's own tools
/// through chroot, then appends SSH keys. Options count only when truthy, as in osbuild, so
/// uid/gid 0 are ignored. Numeric uid/gid are passed as decimal text (osbuild crashed on numbers).
/// A new user always gets <c>useradd --create-home</c>: osbuild's Fedora gets a home from
/// <c>CREATE_HOME yes</c> in login.defs, Debian's login.defs has no such line, and without a home
/// the user logs in with HOME=/ and a key has nowhere to go. useradd makes the home (and its
/// missing parents) from the tree's /etc/skel, owned by the user, and leaves an existing one as
/// it is. An existing user's home is never made: usermod only records it, as in osbuild.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class UsersStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.users", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string tree = context.Tree;
        JsonElement users = OptionReader.RequiredObject(context.Options, "users");
        string chroot = Command.Require("chroot", "coreutils");
        foreach (JsonProperty user in users.EnumerateObject())
        {
            string name = user.Name;
            JsonElement options = user.Value;
            string? Truthy(string option) => OptionReader.Find(options, option) is { } value && PythonValue.IsTruthy(value) ? Text(value) : null;

            string? uid = Truthy("uid");
            bool exists = PasswdEntry(tree, name) is not null;
            var arguments = new List<string>();
            if (exists && uid is not null)
            {
                Console.WriteLine($"Error: can't set uid of existing user '{name}'");
                Console.Out.Flush();
                Environment.Exit(1);
            }

            if (!exists)
            {
                arguments.Add("--create-home");
                Add(arguments, "--uid", uid);
            }

            Add(arguments, "--gid", Truthy("gid"));
            Add(arguments, "--groups", OptionReader.Find(options, "groups") is { } groups && PythonValue.IsTruthy(groups)
                ? string.Join(',', OptionReader.StringArray(options, "groups"))
                : null);
            Add(arguments, "--comment", Truthy("description"));
            Add(arguments, exists ? "--home" : "--home-dir", Truthy("home"));
            Add(arguments, "--shell", Truthy("shell"));
            Add(arguments, "--password", Truthy("password"));

            string tool = exists ? "usermod" : "useradd";
            if (!exists || arguments.Count > 0)
            {
                Command.RequireInTree(tree, tool, "passwd (Debian) / shadow-utils (Fedora)");
                Command.Run(chroot, [tree, tool, .. arguments, name], CommandSettings.Echoed);
            }

            if (Truthy("key") is { } key)
            {
                AddSshKey(tree, name, key);
            }
        }
    }

    private static void Add(List<string> arguments, string flag, string? value)
    {
        if (value is not null)
        {
            arguments.Add(flag);
            arguments.Add(value);
        }
    }

    /// <summary>Option text for the command line: strings as given, integers in decimal.</summary>
    private static string Text(JsonElement value)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number)
            ? number.ToString(CultureInfo.InvariantCulture)
            : PythonValue.Str(value);

    /// <summary>The fields of <paramref name="name"/>'s line in the tree's <c>/etc/passwd</c>, or null.</summary>
    private static string[]? PasswdEntry(string tree, string name)
    {
        string passwd = TextFiles.ReadUniversal(tree + "/etc/passwd");
        foreach (string line in TextFiles.LinesKeepEnds(passwd))
        {
            string[] fields = line.TrimEnd('\n').Split(':');
            if (fields[0] == name)
            {
                return fields;
            }
        }

        return null;
    }

    private static void AddSshKey(string tree, string name, string key)
    {
        string[] entry = PasswdEntry(tree, name) is { Length: >= 7 } fields
            ? fields
            : throw new PluginFailedException($"user '{name}' has no complete line in {tree}/etc/passwd after useradd");
        int uid = int.Parse(entry[2], CultureInfo.InvariantCulture);
        int gid = int.Parse(entry[3], CultureInfo.InvariantCulture);
        string home = entry[5];

        // osbuild joins by text ("TREE/HOME/.ssh"), not by path rules: an absolute home stays below the tree.
        string sshDir = $"{tree}/{home}/.ssh";
        if (!Directory.Exists(sshDir))
        {
            if (!Directory.Exists($"{tree}/{home}"))
            {
                throw new PluginFailedException(
                    $"home directory {home} of user '{name}' does not exist in the tree, so the SSH key cannot be added: create it in an earlier stage, or set 'home' to an existing directory (only a new user's home is created)");
            }

            Directory.CreateDirectory(sshDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Engine.Native.Ownership.Chown(sshDir, uid, gid);
        }

        string authorizedKeys = sshDir + "/authorized_keys";
        TextFiles.Append(authorizedKeys, key + "\n");
        Engine.Native.Ownership.Chown(authorizedKeys, uid, gid);
        File.SetUnixFileMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
