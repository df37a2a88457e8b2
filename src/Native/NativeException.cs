using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>
/// A system call failed: names the call, the object it was about (a path, a device, a process) and
/// the errno text, followed by how to fix it when the caller knows. Thrown through <see cref="Errno"/>.
/// </summary>
public sealed class NativeException(string call, string subject, int errno, string? hint = null)
    : IOException($"{call} failed for {subject}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){(hint is null ? "" : "; " + hint)}")
{
    public string Call { get; } = call;

    /// <summary>The path, device or process the call was about.</summary>
    public string Subject { get; } = subject;

    public int Errno { get; } = errno;
}
