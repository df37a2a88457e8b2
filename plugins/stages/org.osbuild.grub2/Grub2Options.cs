namespace Engine.Plugins.Stages.Grub2;

/// <summary>The options of org.osbuild.grub2, with spec 1.9's derived values.</summary>
/// <param name="RootFsUuid">UUID of the root file system.</param>
/// <param name="BootFsUuid">UUID of a separate /boot (null when the key is absent).</param>
/// <param name="KernelOpts">Extra kernel arguments.</param>
/// <param name="LegacyPlatform">GRUB platform for BIOS/Open Firmware boot, or null for none.</param>
/// <param name="UefiVendor">Directory name under /boot/efi/EFI, or null without UEFI.</param>
/// <param name="Style">Which kind of grub.cfg to write.</param>
internal sealed record Grub2Options(
    string RootFsUuid,
    string? BootFsUuid,
    string KernelOpts,
    string? LegacyPlatform,
    string? UefiVendor,
    Grub2ConfigStyle Style)
{
    /// <summary>Spec: the key <c>boot_fs_uuid</c> is present, even if empty.</summary>
    public bool SeparateBoot => BootFsUuid is not null;

    /// <summary>Spec: UEFI and legacy together (legacy is on by default).</summary>
    public bool Hybrid => UefiVendor is not null && LegacyPlatform is not null;

    /// <summary>The file system GRUB reads its files from.</summary>
    public string GrubFsUuid => string.IsNullOrEmpty(BootFsUuid) ? RootFsUuid : BootFsUuid;

    /// <summary>
    /// GRUB's directory under /boot: <c>grub2</c> for BLS (Fedora's layout, the reference) and
    /// <c>grub</c> for classic (Debian's layout, where Debian's own grub-install would put it).
    /// </summary>
    public string GrubDirectoryName => Style == Grub2ConfigStyle.Bls ? "grub2" : "grub";

    public static Grub2Options Parse(JsonElement options)
    {
        string rootFsUuid = OptionReader.RequiredString(options, "root_fs_uuid");
        string? bootFsUuid = options.TryGetProperty("boot_fs_uuid", out JsonElement boot) && boot.ValueKind == JsonValueKind.String
            ? boot.GetString()
            : null;
        string kernelOpts = OptionReader.String(options, "kernel_opts") ?? "";

        string? legacy = OptionReader.Find(options, "legacy") switch
        {
            null => "i386-pc",
            { ValueKind: JsonValueKind.True } => "i386-pc",
            { ValueKind: JsonValueKind.False } => null,
            { ValueKind: JsonValueKind.String } value => string.IsNullOrEmpty(value.GetString()) ? null : value.GetString(),
            { } value => throw new PluginFailedException($"option 'legacy' must be a boolean or a platform name, not {PythonJsonText.Dumps(value)}"),
        };

        string? vendor = null;
        if (OptionReader.Find(options, "uefi") is { } uefi)
        {
            vendor = OptionReader.String(uefi, "vendor");
            if (string.IsNullOrEmpty(vendor))
            {
                throw new PluginFailedException("option 'uefi' needs a non-empty 'vendor' (the directory under /boot/efi/EFI)");
            }
        }

        Grub2ConfigStyle style = OptionReader.String(options, "config") switch
        {
            null or "bls" => Grub2ConfigStyle.Bls,
            "classic" => Grub2ConfigStyle.Classic,
            string other => throw new PluginFailedException($"option 'config' must be \"bls\" or \"classic\", not \"{other}\""),
        };

        return new Grub2Options(rootFsUuid, bootFsUuid, kernelOpts, legacy, vendor, style);
    }
}

/// <summary>The two kinds of configuration the stage writes.</summary>
internal enum Grub2ConfigStyle
{
    /// <summary>grub.cfg calls <c>blscfg</c>, which reads /boot/loader/entries (Fedora, RHEL).</summary>
    Bls,

    /// <summary>grub.cfg has an explicit menu entry for the newest kernel (GRUB without blscfg, e.g. Debian).</summary>
    Classic,
}
