using System.Text;
using Engine.Service.Builds;
using Engine.Service.Cli;
using Engine.Service.Configuration;
using Engine.Service.Jobs;

namespace Engine.Service.Tests.Unit;

public sealed class SmallRulesTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1.5h", 5400)]
    [InlineData("14d", 1209600)]
    public void Durations_NumberAndUnit(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out TimeSpan duration));
        Assert.Equal(seconds, duration.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5w")]
    [InlineData("-5m")]
    [InlineData("0s")]
    public void Durations_Refused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("image.qcow2", true)]
    [InlineData("efi/boot.img", true)]
    [InlineData("../etc/passwd", false)]
    [InlineData("a/./b", false)]
    [InlineData("/abs", false)]
    [InlineData("a//b", false)]
    [InlineData("a\\b", false)]
    [InlineData("", false)]
    public void ArtifactNames_OnlyPathsBelowTheOutput(string name, bool valid) => Assert.Equal(valid, ArtifactNames.IsValid(name));

    [Theory]
    [InlineData("x86_64", true)]
    [InlineData("default", true)]
    [InlineData("aarch64-fast", true)]
    [InlineData("X86", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void QueueNames_HangfireRule(string name, bool valid) => Assert.Equal(valid, QueueNames.IsValid(name));

    [Fact]
    public void BuildIds_OnlyTheCanonicalUuidForm()
    {
        Assert.True(BuildIds.IsWellFormed(BuildIds.New()));
        Assert.False(BuildIds.IsWellFormed("../../etc"));
        Assert.False(BuildIds.IsWellFormed("6F9619FF-8B86-D011-B42D-00C04FC964FF"));
    }

    [Fact]
    public void CompleteUtf8Length_StopsBeforeACutCharacter()
    {
        byte[] text = Encoding.UTF8.GetBytes("aé€😀");
        Assert.Equal(text.Length, LogStore.CompleteUtf8Length(text));
        Assert.Equal(text.Length - 4, LogStore.CompleteUtf8Length(text.AsSpan(0, text.Length - 1)));
        Assert.Equal(3, LogStore.CompleteUtf8Length(text.AsSpan(0, 5)));
        Assert.Equal(1, LogStore.CompleteUtf8Length(text.AsSpan(0, 2)));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8700", "http://127.0.0.1:8700/")]
    [InlineData("http://+:8700", "http://127.0.0.1:8700/")]
    [InlineData("http://10.1.2.3:9000", "http://10.1.2.3:9000/")]
    public void LoopbackUrl_ForTheInProcessWorker(string listen, string expected)
        => Assert.Equal(expected, LocalTokens.LoopbackUrl(listen).ToString());
}
