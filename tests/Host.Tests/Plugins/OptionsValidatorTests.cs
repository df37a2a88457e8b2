using Engine.Host.Json;
using Engine.Host.Manifest;
using Engine.Host.Plugins;
using P = Engine.Host.Pipeline.Pipeline;

namespace Engine.Host.Tests.Plugins;

/// <summary>
/// Option checks before anything runs, with the built-in plugins' real schemas: every message says
/// what is wrong in the options' own words, where, and what would be right; no schema jargon.
/// </summary>
public sealed class OptionsValidatorTests : IDisposable
{
    private readonly PluginRoot _root = new PluginRoot()
        .AddBuiltin("runners", "org.osbuild.host")
        .AddBuiltin("stages", "org.osbuild.hostname")
        .AddBuiltin("stages", "org.osbuild.kernel-cmdline")
        .AddBuiltin("assemblers", "org.osbuild.qemu")
        .AddBuiltin("assemblers", "org.osbuild.tar");

    public void Dispose() => _root.Dispose();

    private IReadOnlyList<InputError> Validate(string manifest)
    {
        P pipeline = P.Create(ManifestLoader.Load(JsonTextParser.Parse(manifest, "m.json"), "m.json").Pipeline);
        return new OptionsValidator(_root.Catalog(), "m.json").Validate(pipeline);
    }

    private static string Only(IReadOnlyList<InputError> errors)
    {
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        return errors[0].ToString();
    }

    [Fact]
    public void UnknownOption_NamesItWithNearMatchAndKnownOptions()
    {
        string error = Only(Validate("""{"stages": [{"name": "org.osbuild.hostname", "options": {"hostname": "a", "hostnam": "b"}}]}"""));
        Assert.Equal(
            "m.json: $.stages[0].options.hostnam: org.osbuild.hostname (stage 1 of 1): unknown option \"hostnam\" (did you mean \"hostname\"?); known options: hostname; see `osbuild plugins describe org.osbuild.hostname`",
            error);
    }

    [Fact]
    public void UnknownNestedKey_SaysKeyAndListsTheObjectsKeys()
    {
        var errors = Validate("""
            {"assembler": {"name": "org.osbuild.qemu", "options": {"format": "raw", "filename": "a.raw", "ptuuid": "0x1", "size": 1048576,
              "partitions": [{"filesystem": {"type": "ext4", "uuid": "6c3e1f6a-3f2b-4f7e-9a51-2d1b0c9e8f10", "mountpoit": "/"}}]}}}
            """);
        string all = string.Join("\n", errors);
        Assert.True(all.Contains("$.assembler.options.partitions[0].filesystem.mountpoit: org.osbuild.qemu (assembler): unknown key \"mountpoit\" (did you mean \"mountpoint\"?); known keys: type, uuid, label, mountpoint", StringComparison.Ordinal), all);
        Assert.True(all.Contains("$.assembler.options.partitions[0].filesystem: org.osbuild.qemu (assembler): missing required key \"mountpoint\"", StringComparison.Ordinal), all);
        Assert.False(all.Contains("false schema", StringComparison.Ordinal), all);
        Assert.False(all.Contains("schema keyword", StringComparison.Ordinal), all);
    }

    [Fact]
    public void NeitherForm_SaysWhatEachFormNeeds()
    {
        string error = Only(Validate("""{"assembler": {"name": "org.osbuild.qemu", "options": {"format": "raw", "filename": "a.raw", "ptuuid": "0x1", "size": 1048576}}}"""));
        Assert.Equal(
            "m.json: $.assembler.options: org.osbuild.qemu (assembler): needs \"root_fs_uuid\" or \"partitions\" (these options have 2 forms: form 1 with \"root_fs_uuid\"; form 2 with \"partitions\"); see `osbuild plugins describe org.osbuild.qemu`",
            error);
    }

    [Fact]
    public void NoFormMatches_NamesTheClosestAndWhyItFails()
    {
        var errors = Validate("""{"stages": [{"name": "org.osbuild.kernel-cmdline", "options": {"root_fs_uuid": "not-a-uuid"}}]}""");
        string all = string.Join("\n", errors);
        Assert.True(all.Contains("$.stages[0].options.root_fs_uuid: org.osbuild.kernel-cmdline (stage 1 of 1): matches neither of its 2 forms; the closest, form 1, fails: \"not-a-uuid\" does not match the pattern ^[0-9A-Za-z]{8}", StringComparison.Ordinal), all);
        Assert.Single(errors);
    }

    [Fact]
    public void WrongTypeAndEnum_SayExpectedAndFound()
    {
        var errors = Validate("""{"assembler": {"name": "org.osbuild.tar", "options": {"filename": 5, "compression": "rar"}}}""");
        string all = string.Join("\n", errors);
        Assert.True(all.Contains("$.assembler.options.filename: org.osbuild.tar (assembler): expected string, found integer", StringComparison.Ordinal), all);
        Assert.True(all.Contains("$.assembler.options.compression: org.osbuild.tar (assembler): expected one of: \"bzip2\", \"xz\"", StringComparison.Ordinal), all);
    }

    [Fact]
    public void NotExecutablePlugin_RefusedBeforeAnythingRunsWithChmodHint()
    {
        _root.Add("stages", "org.example.plain", """{"summary": "s", "schema": {"type": "object"}}""", mode: UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string error = Only(Validate("""{"stages": [{"name": "org.example.plain"}]}"""));
        string path = Path.Combine(_root.Path, "stages", "org.example.plain");
        Assert.Equal($"m.json: $.stages[0].name: stage org.example.plain ({path}) is not executable; make it so with `chmod +x {path}`", error);
    }

    [Fact]
    public void MetaWithoutProtocol_AcceptedAsVersionOne()
    {
        _root.Add("stages", "org.example.old", """{"summary": "s", "schema": {"type": "object"}}""");
        Assert.Empty(Validate("""{"stages": [{"name": "org.example.old"}]}"""));
        Assert.Equal(1, _root.Catalog().Find("stages", "org.example.old")!.Meta!.EffectiveProtocol);
    }

    [Theory]
    [InlineData("\"1\"", "\"protocol\" must be a whole number (the protocol version, 1), not \"1\"")]
    [InlineData("2", "speaks protocol version 2, this host speaks 1")]
    public void MetaWithWrongProtocol_Refused(string protocol, string message)
    {
        _root.Add("stages", "org.example.future", $$$"""{"summary": "s", "protocol": {{{protocol}}}, "schema": {"type": "object"}}""");
        string error = Only(Validate("""{"stages": [{"name": "org.example.future"}]}"""));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
