using Engine.Host.Scaffolding;

namespace Engine.Host.Tests.Scaffolding;

public sealed class PluginNameTests
{
    [Theory]
    [InlineData("org.example.hello")]
    [InlineData("org.osbuild.fix-bls")]
    [InlineData("a.b.c")]
    [InlineData("com.example.tools.4k-images")]
    [InlineData("org.example.1")]
    public void Problem_ReverseDnsName_IsNull(string name)
        => Assert.Null(PluginName.Problem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "has 1 dot-separated label;")]
    [InlineData("org.hello", "has 2 dot-separated labels;")]
    [InlineData("org..hello", "empty label (label 2)")]
    [InlineData("org.example.hello.", "empty label (label 4)")]
    [InlineData(".org.example.hello", "empty label (label 1)")]
    [InlineData("Org.example.hello", "contains 'O' in label 'Org'")]
    [InlineData("org.example.hel_lo", "contains '_' in label 'hel_lo'")]
    [InlineData("org.example/x.hello", "contains '/' in label 'example/x'")]
    [InlineData("org.example.hello world", "contains ' '")]
    [InlineData("org.exämple.hello", "contains 'ä'")]
    public void Problem_BadName_SaysWhy(string name, string expected)
    {
        string? problem = PluginName.Problem(name);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains("org.example.hello", problem, StringComparison.Ordinal);
    }
}
