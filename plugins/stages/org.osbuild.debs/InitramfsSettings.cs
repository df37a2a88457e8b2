using System.Text;

namespace Engine.Plugins.Stages.Debs;

/// <summary>
/// The stage's <c>initramfs</c> option: initramfs-tools settings written to
/// /etc/initramfs-tools/conf.d/osbuild before the initramfs is built. <c>modules: list</c> with
/// <c>fstype</c> makes a small initramfs (only the named file system and the modules listed in
/// /etc/initramfs-tools/modules, to which <c>include_modules</c> are added) instead of initramfs-tools' default <c>most</c>.
/// </summary>
internal sealed record InitramfsSettings(string? Modules, string? FileSystem, string? Compress, IReadOnlyList<string> IncludeModules)
{
    public static InitramfsSettings? Read(JsonElement options)
    {
        if (OptionReader.Find(options, "initramfs") is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw OptionReader.Wrong("initramfs", "an object", value);
        }

        return new InitramfsSettings(
            OptionReader.String(value, "modules"),
            OptionReader.String(value, "fstype"),
            OptionReader.String(value, "compress"),
            OptionReader.StringArray(value, "include_modules"));
    }

    /// <summary>The conf.d file (values are checked by the schema: words of letters, digits, commas and dashes).</summary>
    public string ConfText()
    {
        var text = new StringBuilder();
        if (Modules is not null)
        {
            text.Append("MODULES=").Append(Modules).Append('\n');
        }

        if (FileSystem is not null)
        {
            text.Append("FSTYPE=").Append(FileSystem).Append('\n');
        }

        if (Compress is not null)
        {
            text.Append("COMPRESS=").Append(Compress).Append('\n');
        }

        return text.ToString();
    }
}
