using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>
/// The fd of a <see cref="SafeHandle"/> for the length of one call: the handle cannot be closed (and
/// its number reused by another open) between reading the number and the call returning.
/// </summary>
internal readonly ref struct DescriptorLease
{
    private readonly SafeHandle _handle;
    private readonly bool _added;

    public DescriptorLease(SafeHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        _added = added;
        Fd = (int)handle.DangerousGetHandle();
    }

    public int Fd { get; }

    public void Dispose()
    {
        if (_added)
        {
            _handle.DangerousRelease();
        }
    }
}
