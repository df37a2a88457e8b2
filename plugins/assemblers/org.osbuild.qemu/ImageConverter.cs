namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>Turns the raw disk into the requested format in the output directory (spec 2.2 step 9).</summary>
internal static class ImageConverter
{
    public static async Task ConvertAsync(string image, string format, string target, CancellationToken cancellationToken, string qcow2Compression = "zlib")
    {
        switch (format)
        {
            case "raw":
                // cp keeps the holes of the sparse image (--sparse=auto).
                await Command.RunAsync("cp", ["--", image, target], cancellationToken).ConfigureAwait(false);
                break;
            case "raw.xz":
                await using (var output = new FileStream(target, FileMode.Create, FileAccess.Write))
                {
                    await Command.RunAsync("xz", ["--keep", "--stdout", "-0", image], cancellationToken, new() { StdoutTarget = output }).ConfigureAwait(false);
                }

                break;
            case "qcow2":
                string[] compression = qcow2Compression switch
                {
                    // compression_type=zstd needs QEMU 5.1 or later to read the image.
                    "zstd" => ["-c", "-o", "compression_type=zstd"],
                    "none" => [],
                    _ => ["-c"],
                };
                await QemuImgAsync([.. (compression.Length > 0 ? Parallel : []), "-O", "qcow2", .. compression, image, target], cancellationToken).ConfigureAwait(false);
                break;
            case "vdi":
                await QemuImgAsync(["-O", "vdi", image, target], cancellationToken).ConfigureAwait(false);
                break;
            case "vmdk":
                await QemuImgAsync([.. Parallel, "-O", "vmdk", "-c", image, target], cancellationToken).ConfigureAwait(false);
                break;
            case "vpc":
                await QemuImgAsync(["-O", "vpc", "-o", "subformat=fixed,force_size", image, target], cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new Protocol.Sdk.PluginFailedException($"unsupported format '{format}'");
        }
    }

    // Compressing is CPU-bound and qemu-img compresses clusters in a thread pool: 8 requests in
    // flight, written out of order (-W), use every core (the Debian sample: zlib 22.1 → 11.4 s,
    // zstd 3.3 → 2.1 s on 2 cores). The disk's contents are the same; only where the compressed
    // clusters lie in the file can differ between runs.
    private static readonly string[] Parallel = ["-m", "8", "-W"];

    private static Task QemuImgAsync(string[] arguments, CancellationToken cancellationToken)
        => Command.RunAsync("qemu-img", ["convert", .. arguments], cancellationToken);
}
