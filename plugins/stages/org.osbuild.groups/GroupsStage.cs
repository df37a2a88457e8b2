using Engine.Plugins.Builtin;
using Engine.Plugins.Stages.Common;

namespace Engine.Plugins.Stages.Groups;

/// <summary>
/// org.osbuild.groups: <c>groupadd --root TREE</c> (the build root's groupadd)
/// per group, in the object's order. A falsy gid (missing, 0) lets groupadd choose.
/// </summary>
internal static class GroupsStage
{
    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddStage("org.osbuild.groups", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        JsonElement groups = OptionReader.RequiredObject(context.Options, "groups");
        string groupadd = Command.Require("groupadd", "passwd (Debian) / shadow-utils (Fedora)");
        foreach (JsonProperty group in groups.EnumerateObject())
        {
            var arguments = new List<string> { "--root", context.Tree };
            if (OptionReader.Find(group.Value, "gid") is { } gid && PythonValue.IsTruthy(gid))
            {
                arguments.Add("--gid");
                arguments.Add(PythonValue.Str(gid));
            }

            arguments.Add(group.Name);
            Command.Run(groupadd, arguments, CommandSettings.Echoed);
        }
    }
}
