using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>A system call failed: names the call, the object it was about and the errno text.</summary>
public sealed class NativeException(string call, string subject, int errno)
    : IOException($"{call} failed for {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public string Call { get; } = call;

    public int Errno { get; } = errno;
}
