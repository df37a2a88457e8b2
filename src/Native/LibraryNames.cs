namespace Engine.Native;

/// <summary>The library our own LibraryImports bind to (the runtime maps "libc" to glibc's soname).</summary>
internal static class LibraryNames
{
    public const string Libc = "libc";
}
