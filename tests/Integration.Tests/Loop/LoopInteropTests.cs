using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Engine.Native;
using static Engine.Integration.Tests.Loop.LoopTestEnvironment;

namespace Engine.Integration.Tests.Loop;

/// <summary>
/// The hand-written loop interop checked against the real C headers: a C program compiled with gcc prints
/// linux/loop.h's constants, <c>struct loop_info64</c>'s layout and glibc's makedev/major/minor results.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LoopInteropTests
{
    private const string Program = """
        #include <linux/loop.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <sys/sysmacros.h>
        #define P(name, value) printf("%s=%llu\n", name, (unsigned long long)(value))
        #define OFF(field) P("offsetof." #field, offsetof(struct loop_info64, field))
        int main(void) {
            P("LOOP_SET_FD", LOOP_SET_FD); P("LOOP_CLR_FD", LOOP_CLR_FD);
            P("LOOP_SET_STATUS64", LOOP_SET_STATUS64); P("LOOP_GET_STATUS64", LOOP_GET_STATUS64);
            P("LOOP_CTL_GET_FREE", LOOP_CTL_GET_FREE);
            P("LO_FLAGS_READ_ONLY", LO_FLAGS_READ_ONLY); P("LO_FLAGS_AUTOCLEAR", LO_FLAGS_AUTOCLEAR);
            P("LO_NAME_SIZE", LO_NAME_SIZE); P("LO_KEY_SIZE", LO_KEY_SIZE);
            P("sizeof", sizeof(struct loop_info64));
            OFF(lo_device); OFF(lo_inode); OFF(lo_rdevice); OFF(lo_offset); OFF(lo_sizelimit);
            OFF(lo_number); OFF(lo_encrypt_type); OFF(lo_encrypt_key_size); OFF(lo_flags);
            OFF(lo_file_name); OFF(lo_crypt_name); OFF(lo_encrypt_key); OFF(lo_init);
            P("makedev.7.5", makedev(7, 5)); P("makedev.7.300", makedev(7, 300));
            P("makedev.259.1048575", makedev(259, 1048575)); P("makedev.4096.70000", makedev(4096, 70000));
            return 0;
        }
        """;

    [Fact]
    public void Constants_MatchKernelHeader()
    {
        Dictionary<string, ulong> c = CompileAndRun();

        Assert.Equal((ulong)LoopIoctl.LOOP_SET_FD, c["LOOP_SET_FD"]);
        Assert.Equal((ulong)LoopIoctl.LOOP_CLR_FD, c["LOOP_CLR_FD"]);
        Assert.Equal((ulong)LoopIoctl.LOOP_SET_STATUS64, c["LOOP_SET_STATUS64"]);
        Assert.Equal((ulong)LoopIoctl.LOOP_GET_STATUS64, c["LOOP_GET_STATUS64"]);
        Assert.Equal((ulong)LoopIoctl.LOOP_CTL_GET_FREE, c["LOOP_CTL_GET_FREE"]);
        Assert.Equal(LoopIoctl.LO_FLAGS_READ_ONLY, c["LO_FLAGS_READ_ONLY"]);
        Assert.Equal(LoopIoctl.LO_FLAGS_AUTOCLEAR, c["LO_FLAGS_AUTOCLEAR"]);
        Assert.Equal((ulong)LoopIoctl.LO_NAME_SIZE, c["LO_NAME_SIZE"]);
        Assert.Equal((ulong)LoopIoctl.LO_KEY_SIZE, c["LO_KEY_SIZE"]);
    }

    [Fact]
    public void LoopInfo64_Layout_MatchesKernelHeader()
    {
        Dictionary<string, ulong> c = CompileAndRun();

        Assert.Equal(232UL, c["sizeof"]);
        Assert.Equal(c["sizeof"], (ulong)Unsafe.SizeOf<loop_info64>());
        foreach (string field in new[]
        {
            "lo_device", "lo_inode", "lo_rdevice", "lo_offset", "lo_sizelimit", "lo_number", "lo_encrypt_type",
            "lo_encrypt_key_size", "lo_flags", "lo_file_name", "lo_crypt_name", "lo_encrypt_key", "lo_init",
        })
        {
            Assert.True(
                c["offsetof." + field] == (ulong)Marshal.OffsetOf<loop_info64>(field),
                $"offset of {field}: C {c["offsetof." + field]}, C# {Marshal.OffsetOf<loop_info64>(field)}");
        }
    }

    [Theory]
    [InlineData(7u, 5u)]
    [InlineData(7u, 300u)]
    [InlineData(259u, 1048575u)]
    [InlineData(4096u, 70000u)]
    public void MakeDev_MatchesGlibcAndRoundTrips(uint major, uint minor)
    {
        Dictionary<string, ulong> c = CompileAndRun();

        ulong dev = DeviceNodes.MakeDev(major, minor);

        Assert.Equal(c[string.Create(CultureInfo.InvariantCulture, $"makedev.{major}.{minor}")], dev);
        Assert.Equal(major, DeviceNodes.Major(dev));
        Assert.Equal(minor, DeviceNodes.Minor(dev));
    }

    private static Dictionary<string, ulong> CompileAndRun()
    {
        Assert.SkipUnless(File.Exists("/usr/include/linux/loop.h"), "needs the kernel headers (apt-get install linux-libc-dev)");
        Assert.SkipWhen(Run("sh", "-c", "command -v gcc").ExitCode != 0, "needs a C compiler (apt-get install gcc)");
        using var scratch = new ScratchDirectory("loop-header-");
        string source = scratch.Combine("loop.c");
        string binary = scratch.Combine("loop");
        File.WriteAllText(source, Program);

        (int exit, string _, string stderr) = Run("gcc", "-o", binary, source);
        Assert.True(exit == 0, "gcc failed: " + stderr);
        (exit, string stdout, stderr) = Run(binary);
        Assert.True(exit == 0, "the compiled probe failed: " + stderr);

        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => ulong.Parse(parts[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }
}
