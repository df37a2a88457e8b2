using Engine.Host.Json;

namespace Engine.Host.Pipeline;

/// <summary>A stage or assembler with its id. Immutable: the inputs of an id cannot change once it is taken.</summary>
/// <param name="Name">Reverse-DNS plugin name.</param>
/// <param name="Options">Normalised options.</param>
/// <param name="Id">SHA-256 id (docs/architecture.md, "Ids").</param>
/// <param name="JsonPath">Where it stands in the manifest.</param>
public sealed record Stage(string Name, JValue.Object Options, string Id, string JsonPath)
{
    /// <summary>The canonical description: name, and options when non-empty.</summary>
    public JValue.Object Describe(bool withId)
    {
        var members = new List<(string, JValue)> { ("name", new JValue.String(Name)) };
        if (withId)
        {
            members.Add(("id", new JValue.String(Id)));
        }

        if (Options.Members.Length > 0)
        {
            members.Add(("options", Options));
        }

        return JValue.Object.From([.. members]);
    }
}
