using System.Globalization;

namespace Engine.Plugins.Stages.Grub2;

/// <summary>A kernel in the tree's /boot and its initial ramdisk, as file names in /boot.</summary>
/// <param name="Version">The kernel version, e.g. <c>6.1.0-37-amd64</c>.</param>
/// <param name="Image">The kernel file, e.g. <c>vmlinuz-6.1.0-37-amd64</c>.</param>
/// <param name="Initrd">The initrd file, or null when the tree has none for this kernel.</param>
internal sealed record BootKernel(string Version, string Image, string? Initrd)
{
    /// <summary>
    /// The newest <c>/boot/vmlinuz-VERSION</c> of the tree, by <see cref="CompareVersions"/>; its
    /// initrd is Debian's <c>initrd.img-VERSION</c> or Fedora's <c>initramfs-VERSION.img</c>.
    /// </summary>
    public static BootKernel? FindNewest(string tree)
    {
        string boot = Path.Combine(tree, "boot");
        if (!Directory.Exists(boot))
        {
            return null;
        }

        string? version = Directory.EnumerateFiles(boot, "vmlinuz-*")
            .Select(path => Path.GetFileName(path)["vmlinuz-".Length..])
            .Where(v => v.Length > 0)
            .OrderDescending(Comparer<string>.Create(CompareVersions))
            .FirstOrDefault();
        if (version is null)
        {
            return null;
        }

        string? initrd = new[] { $"initrd.img-{version}", $"initramfs-{version}.img" }
            .FirstOrDefault(name => File.Exists(Path.Combine(boot, name)));
        return new BootKernel(version, $"vmlinuz-{version}", initrd);
    }

    /// <summary>
    /// Orders kernel versions the way people read them: runs of digits compare as numbers
    /// (6.10 after 6.9), everything else ordinally (ties broken ordinally for a stable order).
    /// </summary>
    public static int CompareVersions(string left, string right)
    {
        int i = 0;
        int j = 0;
        while (i < left.Length && j < right.Length)
        {
            if (char.IsAsciiDigit(left[i]) && char.IsAsciiDigit(right[j]))
            {
                int startI = i;
                int startJ = j;
                while (i < left.Length && char.IsAsciiDigit(left[i]))
                {
                    i++;
                }

                while (j < right.Length && char.IsAsciiDigit(right[j]))
                {
                    j++;
                }

                int byNumber = CompareDigits(left[startI..i], right[startJ..j]);
                if (byNumber != 0)
                {
                    return byNumber;
                }
            }
            else
            {
                int byChar = left[i].CompareTo(right[j]);
                if (byChar != 0)
                {
                    return byChar;
                }

                i++;
                j++;
            }
        }

        int byLength = (left.Length - i).CompareTo(right.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(left, right);
    }

    private static int CompareDigits(string left, string right)
    {
        string a = left.TrimStart('0');
        string b = right.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.Compare(a, b, StringComparison.Ordinal);
    }

    /// <summary>PRETTY_NAME of the tree's os-release, for the menu entry title.</summary>
    public static string OperatingSystemName(string tree)
    {
        foreach (string candidate in new[] { "etc/os-release", "usr/lib/os-release" })
        {
            string path = Path.Combine(tree, candidate);
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim().Trim('"', '\'');
                }
            }
        }

        return "Linux";
    }

    public string Title(string tree) => string.Create(CultureInfo.InvariantCulture, $"{OperatingSystemName(tree)}, with Linux {Version}");
}
