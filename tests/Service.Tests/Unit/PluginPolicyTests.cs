using Engine.Service.Auth;

namespace Engine.Service.Tests.Unit;

public sealed class PluginPolicyTests
{
    private static readonly PluginPolicy s_policy = new(["org.osbuild.*", "org.example.hello"], ["org.osbuild.script", "org.osbuild.debug-*"]);

    [Theory]
    [InlineData("org.osbuild.rpm", true)]
    [InlineData("org.example.hello", true)]
    [InlineData("org.osbuild.script", false)]
    [InlineData("org.osbuild.debug-shell", false)]
    [InlineData("org.example.hello2", false)]
    [InlineData("com.vendor.stage", false)]
    [InlineData("org.osbuild", false)]
    public void Allows_DenyWinsOverAllow_PrefixesEndInStar(string plugin, bool allowed)
        => Assert.Equal(allowed, s_policy.Allows(plugin));

    [Fact]
    public void Everything_AllowsAnyName()
        => Assert.True(PluginPolicy.Everything.Allows("com.vendor.anything"));

    [Theory]
    [InlineData("org.osbuild.*", true)]
    [InlineData("*", true)]
    [InlineData("org.osbuild.rpm", true)]
    [InlineData("org.*.rpm", false)]
    [InlineData("", false)]
    public void IsValidPattern_StarOnlyAtTheEnd(string pattern, bool valid)
        => Assert.Equal(valid, PluginPolicy.IsValidPattern(pattern));
}
