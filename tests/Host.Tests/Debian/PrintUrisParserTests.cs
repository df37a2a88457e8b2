using Engine.Host.Debian;

namespace Engine.Host.Tests.Debian;

public sealed class PrintUrisParserTests
{
    [Fact]
    public void Parse_ReadsUrlFileSizeAndSha256_AndSkipsOtherLines()
    {
        string output = """
            'http://deb.debian.org/debian/pool/main/g/glibc/libc6_2.36-9%2bdeb12u14_amd64.deb' libc6_2.36-9+deb12u14_amd64.deb 2759320 SHA256:BA4F88F73DBC3AE9055F3C20F4523BFDBAF1AD13FF95E258924F77D20B4FBEDF
            Need to get 2759 kB of archives.
            'http://deb.debian.org/debian/pool/main/m/mawk/mawk_1.3.4.20200120-3.1_amd64.deb' mawk_1.3.4.20200120-3.1_amd64.deb 119952 SHA256:0000000000000000000000000000000000000000000000000000000000000001
            """;

        IReadOnlyList<ResolvedDeb> debs = PrintUrisParser.Parse(output);

        Assert.Equal(2, debs.Count);
        Assert.Equal("http://deb.debian.org/debian/pool/main/g/glibc/libc6_2.36-9%2bdeb12u14_amd64.deb", debs[0].Url);
        Assert.Equal("libc6", debs[0].Package);
        Assert.Equal(2759320, debs[0].Size);
        Assert.Equal("sha256:ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf", debs[0].Checksum);
        Assert.Equal("mawk", debs[1].Package);
    }

    [Fact]
    public void Parse_OtherHashThanSha256_FailsNamingTheFile()
    {
        var error = Assert.Throws<DepsolveException>(() => PrintUrisParser.Parse("'http://x/a_1_all.deb' a_1_all.deb 10 MD5Sum:00112233445566778899aabbccddeeff\n"));
        Assert.Contains("a_1_all.deb", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA256", error.Message, StringComparison.Ordinal);
    }
}
