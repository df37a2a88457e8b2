using Engine.Protocol.Sdk;

namespace Engine.Protocol.Tests;

/// <summary>The one shell quoter of the plugins' command echo and of `osbuild new`'s printed commands.</summary>
public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("/usr/bin/mkfs.ext4", "/usr/bin/mkfs.ext4")]
    [InlineData("--root=/run/osbuild/tree", "--root=/run/osbuild/tree")]
    [InlineData("a,b:c@d%e+f", "a,b:c@d%e+f")]
    [InlineData("", "''")]
    [InlineData("two words", "'two words'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("Grüße", "'Grüße'")]
    public void Quote_Word_IsPlainOnlyWhenTheShellKeepsItAsItIs(string word, string quoted)
        => Assert.Equal(quoted, ShellWords.Quote(word));

    [Fact]
    public void Join_FileAndArguments_QuotesEachAndSeparatesBySpaces()
        => Assert.Equal("chroot /tree apt-get install -y '' 'a b'", ShellWords.Join("chroot", ["/tree", "apt-get", "install", "-y", "", "a b"]));
}
