using System.Globalization;
using Engine.Plugins.Assemblers.Common;
using Engine.Plugins.Builtin;

namespace Engine.Plugins.Assemblers.Rawfs;

/// <summary>
/// org.osbuild.rawfs: the tree as one bare file system image, without a partition table (spec 2.3).
/// ext4 is made and filled from the tree by <c>mkfs.ext4 -d</c> on the file itself; xfs takes a
/// loop device from the host for the mount (see <see cref="DiskFilesystems"/>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class RawfsAssembler
{
    public const string Name = "org.osbuild.rawfs";

    [ModuleInitializer]
    internal static void Register() => BuiltinRegistry.AddAssembler(Name, PluginGuard.Wrap(RunAsync));

    private static async Task RunAsync(PluginContext context, CancellationToken cancellationToken)
    {
        JsonElement options = context.Options;
        string filename = OptionReader.RequiredString(options, "filename");
        string uuid = OptionReader.RequiredString(options, "root_fs_uuid");
        string type = OptionReader.String(options, "fs_type") ?? "ext4";
        if (type is not ("ext4" or "xfs"))
        {
            throw new PluginFailedException($"option 'fs_type' must be ext4 or xfs, not '{type}'");
        }

        if (filename.Contains('/', StringComparison.Ordinal) || filename is "." or "..")
        {
            throw new PluginFailedException($"option 'filename' must be a plain file name, not '{filename}'");
        }

        string size = OptionReader.Find(options, "size") switch
        {
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out long bytes) && bytes > 0 => bytes.ToString(CultureInfo.InvariantCulture),
            { ValueKind: JsonValueKind.String } text => text.GetString()!,
            _ => throw new PluginFailedException("option 'size' is required: a positive number of bytes or a truncate(1) size such as 2G"),
        };

        string work = DiskStaging.CreateWorkDirectory("osbuild-rawfs-");
        try
        {
            string image = Path.Combine(work, "osbuild-image.raw");

            // truncate(1) itself, for its size syntax (2G, 512M, ...) that the reference accepts.
            await Command.RunAsync("truncate", ["--size", size, image], cancellationToken).ConfigureAwait(false);
            long bytes = new FileInfo(image).Length;
            await DiskFilesystems.MakeAsync(context, image, 0, bytes, new DiskFilesystem(type, uuid, null), context.Tree, cancellationToken).ConfigureAwait(false);

            // mv, as the reference: a rename when /var/tmp and the output share a file system.
            await Command.RunAsync("mv", ["--", image, Path.Combine(context.OutputDir, filename)], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Command.TryRunAsync("rm", ["-rf", "--one-file-system", "--", work], CancellationToken.None).ConfigureAwait(false);
        }
    }
}
