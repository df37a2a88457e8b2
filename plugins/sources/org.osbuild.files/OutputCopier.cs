using Engine.Native;
using Microsoft.Win32.SafeHandles;

namespace Engine.Plugins.Sources.Files;

/// <summary>
/// Puts a cached file into the stage's output directory as an independent copy: a reflink clone
/// where the file system can (shares blocks, costs nothing), else an in-kernel copy, else a plain
/// read/write loop.
/// A hard link would be cheaper still on file systems without reflinks, but it would make the
/// stage's file and the cache's the same inode. The stage sees the output through a read-only bind
/// mount, yet it runs as root with all capabilities and can remount; one write or chmod by a stage
/// would then silently corrupt a cache entry that every later build trusts by its name. A copy
/// confines such damage to that stage.
/// </summary>
internal static class OutputCopier
{
    /// <summary>Copies <paramref name="source"/> (open, <paramref name="length"/> bytes) to <paramref name="targetPath"/>.</summary>
    public static void Copy(SafeFileHandle source, long length, string targetPath)
    {
        using var staged = StagedFile.Create(Path.GetDirectoryName(targetPath)!);
        if (!FileCopy.TryClone(source, staged.Handle) && !FileCopy.TryCopyRange(source, staged.Handle, length))
        {
            CopyByHand(source, staged.Handle, length);
        }

        long copied = RandomAccess.GetLength(staged.Handle);
        if (copied != length)
        {
            throw new IOException($"copying to {targetPath} gave {copied} bytes instead of {length}");
        }

        // The output lives only as long as the stage; durability would only cost time.
        staged.Publish(targetPath, durable: false);
    }

    private static void CopyByHand(SafeFileHandle source, SafeFileHandle target, long length)
    {
        var buffer = new byte[1 << 20];
        long offset = 0;
        while (offset < length)
        {
            int read = RandomAccess.Read(source, buffer, offset);
            if (read == 0)
            {
                break;
            }

            RandomAccess.Write(target, buffer.AsSpan(0, read), offset);
            offset += read;
        }
    }
}
