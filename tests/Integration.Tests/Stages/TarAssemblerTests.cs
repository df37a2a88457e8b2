namespace Engine.Integration.Tests.Stages;

/// <summary>org.osbuild.tar with every compression, GNU tar of this machine.</summary>
public sealed class TarAssemblerTests
{
    [Theory]
    [InlineData(null, new byte[] { })]
    [InlineData("gzip", new byte[] { 0x1f, 0x8b })]
    [InlineData("bzip2", new byte[] { (byte)'B', (byte)'Z', (byte)'h' })]
    [InlineData("xz", new byte[] { 0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 })]
    [InlineData("lzip", new byte[] { (byte)'L', (byte)'Z', (byte)'I', (byte)'P' })]
    [InlineData("lzop", new byte[] { 0x89, (byte)'L', (byte)'Z', (byte)'O' })]
    public async Task Tar_Compression_ArchiveInThatFormatWithTheTree(string? compression, byte[] magic)
    {
        if (compression is not null)
        {
            Requirements.Program(compression, compression == "xz" ? "xz-utils" : compression);
        }

        using var scratch = new ScratchTree();
        (string tree, string output) = MakeTree(scratch);
        string options = compression is null
            ? """{"filename": "image.tar"}"""
            : $$"""{"filename": "image.tar", "compression": "{{compression}}"}""";

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.tar", tree, output, options);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([Path.Join(output, "image.tar")], Directory.GetFileSystemEntries(output));
        byte[] head = File.ReadAllBytes(Path.Join(output, "image.tar"))[..Math.Max(magic.Length, 1)];
        if (magic.Length > 0)
        {
            Assert.Equal(magic, head);
        }

        Assert.Contains(compression is null ? "tar -cf " : $"tar --{compression} -cf ", result.Stdout);
        await AssertListing(Path.Join(output, "image.tar"));
    }

    [Fact]
    public async Task Tar_Lzma_ArchiveReadableByTar()
    {
        // Debian's GNU tar runs xz (XZ format) for --lzma, others run lzma: the format is tar's business.
        Requirements.Program("xz", "xz-utils");
        using var scratch = new ScratchTree();
        (string tree, string output) = MakeTree(scratch);

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.tar", tree, output, """{"filename": "image.tar.lzma", "compression": "lzma"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("tar --lzma -cf ", result.Stdout);
        await AssertListing(Path.Join(output, "image.tar.lzma"));
    }

    [Fact]
    public async Task Tar_UnknownCompression_Fails()
    {
        using var scratch = new ScratchTree();
        (string tree, string output) = MakeTree(scratch);

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.tar", tree, output, """{"filename": "a.tar", "compression": "zstd"}""");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown compression 'zstd'", result.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }

    [Fact]
    public async Task Tar_CompressorMissing_FailsNamingPackage()
    {
        using var scratch = new ScratchTree();
        (string tree, string output) = MakeTree(scratch);
        string bin = Path.Join(scratch.Path, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Join(bin, "tar"), Requirements.Program("tar", "tar"));

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.tar", tree, output, """{"filename": "a.tar", "compression": "lzop"}""",
            new Dictionary<string, string?> { ["PATH"] = bin });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("lzop not found in the build root", result.Stderr);
        Assert.Contains("install the lzop package", result.Stderr);
    }

    [Fact]
    public async Task Tar_NoFilename_Fails()
    {
        using var scratch = new ScratchTree();
        (string tree, string output) = MakeTree(scratch);

        PluginResult result = await BuiltinPlugin.RunAssemblerAsync("org.osbuild.tar", tree, output, "{}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("option 'filename' is required", result.Stderr);
    }

    private static (string Tree, string Output) MakeTree(ScratchTree scratch)
    {
        scratch.Write("tree/etc/hostname", "archived\n");
        scratch.Write("tree/usr/bin/tool", "#!/bin/sh\n");
        Directory.CreateDirectory(scratch.Combine("out"));
        return (scratch.Combine("tree"), scratch.Combine("out"));
    }

    private static async Task AssertListing(string archive)
    {
        string listing = await ProcessRunner.CheckedAsync("tar", "-tf", archive);
        Assert.Equal(["./", "./etc/", "./etc/hostname", "./usr/", "./usr/bin/", "./usr/bin/tool"], listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }
}
