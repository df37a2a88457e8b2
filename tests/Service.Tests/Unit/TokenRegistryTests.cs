using Engine.Service;
using Engine.Service.Auth;

namespace Engine.Service.Tests.Unit;

public sealed class TokenRegistryTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"tokens-{Guid.NewGuid():N}.json");

    [Fact]
    public void Load_ClientsAndWorkers_FindsEachByItsToken()
    {
        File.WriteAllText(_file, $$"""
            {"clients": [{"name": "ci", "sha256": "{{TokenRegistry.Hash("a")}}", "deny_plugins": ["org.osbuild.script"]}],
             "workers": [{"name": "farm", "sha256": "{{TokenRegistry.Hash("b").ToUpperInvariant()}}"}]}
            """);

        TokenRegistry registry = TokenRegistry.Load(_file);

        Assert.Equal(new Caller("ci", CallerRole.Client, new PluginPolicy(["*"], ["org.osbuild.script"])).Name, registry.Find("a")!.Name);
        Assert.False(registry.Find("a")!.Plugins.Allows("org.osbuild.script"));
        Assert.Equal(CallerRole.Worker, registry.Find("b")!.Role);
        Assert.Null(registry.Find("c"));
        Assert.Null(registry.Find(""));
    }

    [Fact]
    public void Load_BadEntries_EveryProblemNamedWithItsPlace()
    {
        File.WriteAllText(_file, $$"""
            {"clients": [{"name": "ci", "sha256": "abc"}, {"sha256": "{{TokenRegistry.Hash("x")}}"}, {"name": "ci", "sha256": "{{TokenRegistry.Hash("y")}}", "allow_plugins": ["org.*.rpm"]}],
             "workers": [{"name": "w", "sha256": "{{TokenRegistry.Hash("y")}}"}]}
            """);

        var error = Assert.Throws<ServiceConfigurationException>(() => TokenRegistry.Load(_file));

        Assert.Contains("clients[0].sha256 must be the 64 hex digits", error.Message, StringComparison.Ordinal);
        Assert.Contains("clients[1].name is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("clients[2].name \"ci\" is used twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("clients[2]: plugin pattern \"org.*.rpm\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("workers[0].sha256 is the hash of a token listed before", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingOrNotJson_SaysWhichFile()
    {
        Assert.Contains(_file, Assert.Throws<ServiceConfigurationException>(() => TokenRegistry.Load(_file)).Message, StringComparison.Ordinal);
        File.WriteAllText(_file, "{\"clients\": [");
        Assert.Contains("is not valid JSON", Assert.Throws<ServiceConfigurationException>(() => TokenRegistry.Load(_file)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
