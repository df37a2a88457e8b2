using System.Collections.Frozen;
using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Engine.Host.Native;

/// <summary>
/// errno values as users search for them: the symbolic name (what man pages and forums use) followed by
/// the C library's text, e.g. "ENOENT (No such file or directory)".
/// </summary>
internal static class LoopErrno
{
    private static readonly FrozenDictionary<int, string> s_names = new Dictionary<int, string>
    {
        [EPERM] = nameof(EPERM),
        [ENOENT] = nameof(ENOENT),
        [EINTR] = nameof(EINTR),
        [EIO] = nameof(EIO),
        [ENXIO] = nameof(ENXIO),
        [EBADF] = nameof(EBADF),
        [EAGAIN] = nameof(EAGAIN),
        [ENOMEM] = nameof(ENOMEM),
        [EACCES] = nameof(EACCES),
        [EBUSY] = nameof(EBUSY),
        [EEXIST] = nameof(EEXIST),
        [ENODEV] = nameof(ENODEV),
        [ENOTDIR] = nameof(ENOTDIR),
        [EISDIR] = nameof(EISDIR),
        [EINVAL] = nameof(EINVAL),
        [ENFILE] = nameof(ENFILE),
        [EMFILE] = nameof(EMFILE),
        [ENOTTY] = nameof(ENOTTY),
        [EFBIG] = nameof(EFBIG),
        [ENOSPC] = nameof(ENOSPC),
        [EROFS] = nameof(EROFS),
        [ENAMETOOLONG] = nameof(ENAMETOOLONG),
        [ELOOP] = nameof(ELOOP),
        [EOVERFLOW] = nameof(EOVERFLOW),
        [EOPNOTSUPP] = nameof(EOPNOTSUPP),
    }.ToFrozenDictionary();

    /// <summary>The symbolic name, or <c>errno N</c> for values not in the table.</summary>
    public static string Name(int errno) =>
        s_names.TryGetValue(errno, out string? name) ? name : "errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"ENAME (text)".</summary>
    public static string Describe(int errno) => $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";
}
