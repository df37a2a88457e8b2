using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// A small tree with what a file system copy must keep: modes (setuid, 0600, 0750), owners other
/// than root, a symlink, a hard link, a FIFO, a directory with the tree root's own mode, and the
/// places a separate /boot and an ESP would take.
/// </summary>
internal static class SampleTree
{
    public const string Motd = "hello from the tree\n";

    public static void Create(string tree, bool withEsp = false)
    {
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        Directory.CreateDirectory(Path.Combine(tree, "home/tester"));
        Directory.CreateDirectory(Path.Combine(tree, "usr/bin"));
        Directory.CreateDirectory(Path.Combine(tree, "boot/grub2"));
        File.WriteAllText(Path.Combine(tree, "etc/motd"), Motd);
        File.WriteAllText(Path.Combine(tree, "usr/bin/tool"), "#!/bin/sh\necho tool\n");
        File.WriteAllText(Path.Combine(tree, "boot/grub2/grub.cfg"), "set timeout=0\n");
        File.WriteAllText(Path.Combine(tree, "boot/vmlinuz-6.1.0-1-amd64"), "not a kernel\n");
        File.CreateSymbolicLink(Path.Combine(tree, "home/tester/motd"), "../../etc/motd");
        Tool("ln", Path.Combine(tree, "usr/bin/tool"), Path.Combine(tree, "usr/bin/tool-again"));
        Tool("mkfifo", Path.Combine(tree, "etc/fifo"));
        Tool("chmod", "0600", Path.Combine(tree, "etc/motd"));
        Tool("chmod", "4755", Path.Combine(tree, "usr/bin/tool"));
        Tool("chmod", "0750", Path.Combine(tree, "home/tester"));
        Tool("chown", "1000:1001", Path.Combine(tree, "home/tester"));
        Tool("chown", "-h", "1000:1001", Path.Combine(tree, "home/tester/motd"));
        Tool("chmod", "0711", tree);
        SetXattr(tree, "user.osbuild-root", "root dir");
        SetXattr(Path.Combine(tree, "etc/motd"), "user.osbuild-file", "a file");
        if (withEsp)
        {
            Directory.CreateDirectory(Path.Combine(tree, "boot/efi/EFI/test"));
            File.WriteAllText(Path.Combine(tree, "boot/efi/EFI/test/grub.cfg"), "configfile x\n");
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "lsetxattr", SetLastError = true)]
    private static extern int lsetxattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nint size, int flags);
#pragma warning restore SYSLIB1054

    private static void SetXattr(string path, string name, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Assert.True(lsetxattr(path, name, bytes, bytes.Length, 0) == 0, $"setxattr {name} on {path}: errno {Marshal.GetLastPInvokeError()}");
    }

    private static void Tool(string file, params string[] arguments)
    {
        using var process = Process.Start(file, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
