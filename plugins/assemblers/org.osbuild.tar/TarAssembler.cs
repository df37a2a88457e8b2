using Engine.Plugins.Builtin;

namespace Engine.Plugins.Assemblers.Tar;

/// <summary>
/// org.osbuild.tar: <c>tar [--COMPRESSION] -cf OUT/FILENAME -C TREE .</c> with the
/// build root's GNU tar (the compression flags are GNU's). The file name is used as given; it is
/// not adjusted to the compression.
/// </summary>
internal static class TarAssembler
{
    /// <summary>
    /// GNU tar's compression flags osbuild allows, with the program tar runs for each and its
    /// package. Debian's tar runs xz for --lzma (checked with strace), other builds run lzma,
    /// so either is enough there.
    /// </summary>
    private static readonly Dictionary<string, (string[] Programs, string Package)> s_compressors = new(StringComparer.Ordinal)
    {
        ["bzip2"] = (["bzip2"], "bzip2"),
        ["xz"] = (["xz"], "xz-utils (Debian) / xz (Fedora)"),
        ["lzip"] = (["lzip"], "lzip"),
        ["lzma"] = (["xz", "lzma"], "xz-utils (Debian) / xz-lzma-compat (Fedora)"),
        ["lzop"] = (["lzop"], "lzop"),
        ["gzip"] = (["gzip"], "gzip"),
    };

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddAssembler("org.osbuild.tar", PluginGuard.Wrap(Run));

    private static void Run(PluginContext context)
    {
        string filename = OptionReader.RequiredString(context.Options, "filename");
        string? compression = OptionReader.String(context.Options, "compression");
        var arguments = new List<string>();
        if (compression is not null)
        {
            if (!s_compressors.TryGetValue(compression, out var compressor))
            {
                throw new PluginFailedException(
                    $"unknown compression '{compression}': use one of {string.Join(", ", s_compressors.Keys)}");
            }

            if (!compressor.Programs.Any(program => Command.Find(program) is not null))
            {
                Command.Require(compressor.Programs[^1], compressor.Package);
            }

            arguments.Add($"--{compression}");
        }

        string tar = Command.Require("tar", "tar");
        arguments.AddRange(["-cf", $"{context.OutputDir}/{filename}", "-C", context.Tree, "."]);
        Command.Run(tar, arguments, CommandSettings.Echoed with { StdoutTarget = Stream.Null });
    }
}
