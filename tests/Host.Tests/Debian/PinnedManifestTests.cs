using System.Text.Json.Nodes;
using Engine.Host.Debian;

namespace Engine.Host.Tests.Debian;

public sealed class PinnedManifestTests
{
    private static readonly DepsolveRequest Request = new("bookworm", "http://mirror.invalid/debian", "amd64", ["main"], "/k.gpg", false, ["b"], null);

    private static ResolvedDeb Deb(string name, char digit) => new($"http://mirror.invalid/debian/pool/{name}_1_all.deb", $"{name}_1_all.deb", 1, "sha256:" + new string(digit, 64));

    [Fact]
    public void Create_WithoutBase_OneStageListingEveryDebByChecksumSortedByFileName()
    {
        JsonObject manifest = PinnedManifest.Create(Request, [Deb("b", '2'), Deb("a", '1')], null);

        JsonObject stage = manifest["pipeline"]!["stages"]![0]!.AsObject();
        Assert.Equal("org.osbuild.debs", (string?)stage["name"]);
        Assert.Equal(["sha256:" + new string('1', 64), "sha256:" + new string('2', 64)], stage["options"]!["packages"]!.AsArray().Select(p => (string)p!));
        Assert.Equal("http://mirror.invalid/debian/pool/b_1_all.deb", (string?)manifest["sources"]!["org.osbuild.files"]!["urls"]!["sha256:" + new string('2', 64)]);
    }

    [Fact]
    public void Create_OnABaseWithoutDebsStage_PutsItFirstAndKeepsOtherSources()
    {
        var baseManifest = JsonNode.Parse("""
            {"pipeline": {"stages": [{"name": "org.osbuild.hostname", "options": {"hostname": "h"}}], "assembler": {"name": "org.osbuild.noop"}},
             "sources": {"org.osbuild.files": {"urls": {"sha256:ffff": "http://other.invalid/f"}}}}
            """)!.AsObject();

        JsonObject manifest = PinnedManifest.Create(Request, [Deb("a", '1')], baseManifest);

        Assert.Equal(["org.osbuild.debs", "org.osbuild.hostname"], manifest["pipeline"]!["stages"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal("org.osbuild.noop", (string?)manifest["pipeline"]!["assembler"]!["name"]);
        Assert.Equal(2, manifest["sources"]!["org.osbuild.files"]!["urls"]!.AsObject().Count);
    }

    [Fact]
    public void Render_IsIndentedJsonEndingInANewline()
    {
        string text = PinnedManifest.Render(PinnedManifest.Create(Request, [Deb("a", '1')], null));
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  \"pipeline\": {", text, StringComparison.Ordinal);
    }
}
