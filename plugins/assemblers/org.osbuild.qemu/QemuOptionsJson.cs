using System.Text.Json.Serialization;

namespace Engine.Plugins.Assemblers.Qemu;

/// <summary>
/// The options of org.osbuild.qemu as the manifest writes them, before <see cref="QemuOptions.Parse"/>
/// applies the reference's defaults and checks. Every member is nullable: absent and null are both
/// "not given".
/// </summary>
internal sealed record QemuOptionsJson(
    [property: JsonPropertyName("format")] string? Format,
    [property: JsonPropertyName("filename")] string? Filename,
    [property: JsonPropertyName("ptuuid")] string? PtUuid,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("pttype")] string? PtType,
    [property: JsonPropertyName("partitions")] IReadOnlyList<PartitionJson?>? Partitions,
    [property: JsonPropertyName("root_fs_uuid")] string? RootFsUuid,
    [property: JsonPropertyName("root_fs_type")] string? RootFsType,
    [property: JsonPropertyName("bootloader")] BootloaderJson? Bootloader,
    [property: JsonPropertyName("qcow2_compression")] string? Qcow2Compression = null);

/// <summary>One entry of <c>partitions</c>; null, 0 and "" fields are sfdisk's defaults.</summary>
internal sealed record PartitionJson(
    [property: JsonPropertyName("start")] long? Start,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("bootable")] bool? Bootable,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("filesystem")] FilesystemJson? Filesystem);

/// <summary>The file system of a partition and where the tree mounts it.</summary>
internal sealed record FilesystemJson(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("uuid")] string? Uuid,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("mountpoint")] string? Mountpoint);

/// <summary><c>bootloader</c>: which boot loader, for which GRUB platform.</summary>
internal sealed record BootloaderJson(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("platform")] string? Platform);

/// <summary>Source-generated reading of <see cref="QemuOptionsJson"/> (NativeAOT: no reflection).</summary>
[JsonSerializable(typeof(QemuOptionsJson))]
internal sealed partial class QemuJsonContext : JsonSerializerContext;
