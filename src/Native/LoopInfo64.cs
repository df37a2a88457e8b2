using System.Runtime.InteropServices;

namespace Engine.Native;

/// <summary>
/// <c>struct loop_info64</c> from linux/loop.h (232 bytes), read by <c>LOOP_GET_STATUS64</c> and written
/// by <c>LOOP_SET_STATUS64</c>. Names follow the C header. Layout pinned by
/// <c>LoopInteropTests.LoopInfo64_Layout_MatchesKernelHeader</c>, which compiles the header with gcc.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct loop_info64
{
    public ulong lo_device;
    public ulong lo_inode;
    public ulong lo_rdevice;
    public ulong lo_offset;
    public ulong lo_sizelimit;
    public uint lo_number;
    public uint lo_encrypt_type;
    public uint lo_encrypt_key_size;
    public uint lo_flags;
    public fixed byte lo_file_name[LoopIoctl.LO_NAME_SIZE];
    public fixed byte lo_crypt_name[LoopIoctl.LO_NAME_SIZE];
    public fixed byte lo_encrypt_key[LoopIoctl.LO_KEY_SIZE];
    public fixed ulong lo_init[2];
}
