using System.Text.Json.Nodes;
using Engine.Host.Json;
using Engine.Integration.Tests.Engine;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// One store shared by the tests of a class that build disks of the same tree through the host
/// (<c>out/bin/osbuild</c>): the tree is built by the first of them and taken from the store by the
/// others, which run only their assembler. The tree comes from a test stage written here
/// (<c>org.test.esp-tree</c>): files under /boot/efi for an EFI system partition, among them one
/// larger than a cluster and one with a long name, and a little root.
/// </summary>
public sealed class EspTreeStore : IDisposable
{
    private const string Stage = """
        #!/bin/sh
        # Test stage: an EFI system partition's files under /boot/efi and a little root.
        set -eu
        tree=/run/osbuild/tree
        mkdir -p "$tree/etc" "$tree/boot/efi/EFI/BOOT" "$tree/boot/efi/EFI/test/fonts"
        printf 'root of the esp tree\n' > "$tree/etc/motd"
        seq 1 200000 > "$tree/boot/efi/EFI/BOOT/BOOTX64.EFI"
        printf 'configfile x\n' > "$tree/boot/efi/EFI/test/grub.cfg"
        printf 'a long name\n' > "$tree/boot/efi/EFI/test/A Long File Name.txt"
        : > "$tree/boot/efi/EFI/test/fonts/empty"
        echo "esp tree in $tree"
        """;

    private readonly TempStore _store = new();

    public EspTreeStore()
    {
        string stages = Directory.CreateDirectory(Path.Combine(_store.Root, "plugins", "stages")).FullName;
        string stage = Path.Combine(stages, "org.test.esp-tree");
        File.WriteAllText(stage, Stage + "\n");
        File.SetUnixFileMode(stage, (UnixFileMode)0x1ed); // 0755
    }

    internal string Root => _store.Root;

    internal string[] Leftovers => _store.Leftovers;

    /// <summary>Builds the tree (or takes it from the store) and assembles it with org.osbuild.qemu and <paramref name="options"/>.</summary>
    /// <returns>The output file named by the options' filename, and the tree it was made of.</returns>
    internal (string Image, string Tree) BuildQemu(string name, JsonObject options)
    {
        var manifest = new JsonObject
        {
            ["stages"] = new JsonArray(new JsonObject { ["name"] = "org.test.esp-tree" }),
            ["assembler"] = new JsonObject { ["name"] = "org.osbuild.qemu", ["options"] = options },
        };
        string path = _store.File(name + ".json", manifest.ToJsonString());
        Osbuild.Result run = Osbuild.Run(["--store", _store.Store, "--plugin-path", Path.Combine(_store.Root, "plugins"), "--json", path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        string outputId = ((JValue.String)run.Json["output_id"]!).Value;
        string treeId = ((JValue.String)run.Json["tree_id"]!).Value;
        return (
            Path.Combine(_store.Store, "refs", outputId, options["filename"]!.GetValue<string>()),
            Path.Combine(_store.Store, "refs", treeId));
    }

    public void Dispose() => _store.Dispose();
}
