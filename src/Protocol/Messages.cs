using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Engine.Protocol;

/// <summary>Parameters of <see cref="MethodNames.SourcesGet"/>.</summary>
/// <param name="Source">Reverse-DNS name of the source, e.g. <c>org.osbuild.files</c>.</param>
/// <param name="Checksums">Content checksums such as <c>sha256:…</c>.</param>
public sealed record SourcesGetRequest(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("checksums")] IReadOnlyList<string> Checksums);

/// <summary>Parameters of <see cref="MethodNames.LoopAttach"/>.</summary>
/// <param name="FileName">Path of the backing file as the plugin sees it (inside the container).</param>
/// <param name="Offset">Byte offset of the device's first byte in the file.</param>
/// <param name="SizeLimit">Size of the device in bytes; 0 means up to the end of the file.</param>
/// <param name="ReadOnly">Attach read-only.</param>
public sealed record LoopAttachRequest(
    [property: JsonPropertyName("filename")] string FileName,
    [property: JsonPropertyName("offset")] long Offset = 0,
    [property: JsonPropertyName("sizelimit")] long SizeLimit = 0,
    [property: JsonPropertyName("read_only")] bool ReadOnly = false);

/// <summary>Result of <see cref="MethodNames.LoopAttach"/>.</summary>
/// <param name="DevName">Device name, e.g. <c>loop7</c>.</param>
/// <param name="Path">Path of the device node inside the container, e.g. <c>/dev/loop7</c>.</param>
public sealed record LoopAttachResult(
    [property: JsonPropertyName("devname")] string DevName,
    [property: JsonPropertyName("path")] string Path);

/// <summary>Parameters of <see cref="MethodNames.LoopDetach"/>.</summary>
/// <param name="DevName">Device name returned by attach.</param>
public sealed record LoopDetachRequest(
    [property: JsonPropertyName("devname")] string DevName);

/// <summary>Parameters of the <see cref="MethodNames.Progress"/> notification.</summary>
/// <param name="Current">Units done so far.</param>
/// <param name="Total">Units in all; 0 when unknown.</param>
/// <param name="Message">What is being done, for the user.</param>
public sealed record ProgressNotification(
    [property: JsonPropertyName("current")] long Current,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("message")] string? Message = null);

/// <summary>Parameters of the <see cref="MethodNames.Log"/> notification.</summary>
/// <param name="Level">One of <c>debug</c>, <c>info</c>, <c>warning</c>, <c>error</c>.</param>
/// <param name="Message">The log line, without a trailing newline.</param>
public sealed record LogNotification(
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The arguments a stage or assembler reads from stdin (osbuild's shape, docs/protocol.md §2.1).</summary>
/// <param name="Tree">Path of the tree to change, <c>/run/osbuild/tree</c>.</param>
/// <param name="Sources">Stages only: path under which sources output appears, <c>/run/osbuild/sources</c>.</param>
/// <param name="Options">The options, validated by the host against the meta schema.</param>
/// <param name="OutputDir">Assemblers only: where to write the artefacts.</param>
public sealed record PluginArguments(
    [property: JsonPropertyName("tree")] string Tree,
    [property: JsonPropertyName("sources")] string? Sources,
    [property: JsonPropertyName("options")] JsonElement Options,
    [property: JsonPropertyName("output_dir")] string? OutputDir)
{
    /// <summary>The stdin of a stage: <c>{"tree", "sources", "options"}</c>.</summary>
    public static PluginArguments ForStage(JsonElement options) => new(ContainerPaths.Tree, ContainerPaths.Sources, options, null);

    /// <summary>The stdin of an assembler: <c>{"tree", "options", "output_dir"}</c>.</summary>
    public static PluginArguments ForAssembler(JsonElement options) => new(ContainerPaths.Tree, null, options, ContainerPaths.Output);

    /// <summary>As osbuild writes it: Python's <c>json.dumps</c>, members in the order above, absent ones left out.</summary>
    public string ToJson()
    {
        var builder = new StringBuilder("{");
        string separator = "";
        PythonJsonText.AppendMember(builder, ref separator, "tree");
        PythonJsonText.AppendString(builder, Tree);
        if (Sources is not null)
        {
            PythonJsonText.AppendMember(builder, ref separator, "sources");
            PythonJsonText.AppendString(builder, Sources);
        }

        PythonJsonText.AppendMember(builder, ref separator, "options");
        PythonJsonText.Append(builder, Options);
        if (OutputDir is not null)
        {
            PythonJsonText.AppendMember(builder, ref separator, "output_dir");
            PythonJsonText.AppendString(builder, OutputDir);
        }

        return builder.Append('}').ToString();
    }
}

/// <summary>What the host writes to a source program's stdin (osbuild's shape, docs/protocol.md §5).</summary>
/// <param name="Options">The source's configuration from the manifest or <c>--sources</c>.</param>
/// <param name="Secrets">The source's entry of the <c>--secrets</c> file.</param>
/// <param name="Cache">Persistent cache directory of this source in the store.</param>
/// <param name="Output">Per-stage output directory; what is placed there appears to the stage.</param>
/// <param name="Checksums">What the stage asked for.</param>
public sealed record SourceArguments(
    [property: JsonPropertyName("options")] JsonElement Options,
    [property: JsonPropertyName("secrets")] JsonElement Secrets,
    [property: JsonPropertyName("cache")] string Cache,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("checksums")] IReadOnlyList<string> Checksums)
{
    /// <summary>As osbuild writes it: Python's <c>json.dumps</c>, members in the order above.</summary>
    public string ToJson()
    {
        var builder = new StringBuilder("{");
        string separator = "";
        PythonJsonText.AppendMember(builder, ref separator, "options");
        PythonJsonText.Append(builder, Options);
        PythonJsonText.AppendMember(builder, ref separator, "secrets");
        PythonJsonText.Append(builder, Secrets);
        PythonJsonText.AppendMember(builder, ref separator, "cache");
        PythonJsonText.AppendString(builder, Cache);
        PythonJsonText.AppendMember(builder, ref separator, "output");
        PythonJsonText.AppendString(builder, Output);
        PythonJsonText.AppendMember(builder, ref separator, "checksums");
        builder.Append('[');
        string itemSeparator = "";
        foreach (string checksum in Checksums)
        {
            builder.Append(itemSeparator);
            itemSeparator = PythonJsonText.ItemSeparator;
            PythonJsonText.AppendString(builder, checksum);
        }

        return builder.Append("]}").ToString();
    }
}
