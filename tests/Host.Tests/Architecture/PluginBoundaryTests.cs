using Engine.Tests.Shared;

namespace Engine.Host.Tests.Architecture;

/// <summary>The built-in plugins' source tree keeps the rules of <see cref="PluginBoundary"/>.</summary>
public sealed class PluginBoundaryTests
{
    private static IReadOnlyList<(string Path, string Text)> PluginSources()
    {
        string root = Path.Combine(RepositoryData.RepoRoot, "plugins");
        return [.. RepositoryData.Files(root, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal))
            .Select(file => (Path.GetRelativePath(root, file), File.ReadAllText(file)))];
    }

    [Fact]
    public void PluginSources_KeepTheBoundaries()
    {
        IReadOnlyList<string> violations = PluginBoundary.Violations(PluginSources());

        Assert.True(violations.Count == 0, "plugin boundaries broken:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void PluginSources_AreFound()
    {
        var sources = PluginSources();

        Assert.Contains(sources, s => s.Path.StartsWith("stages/org.osbuild.dnf/", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.Path.StartsWith("assemblers/org.osbuild.qemu/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("using Engine.Plugins.Stages.Rpm;\nnamespace Engine.Plugins.Stages.Dnf;\n", "stages/org.osbuild.dnf/DnfStage.cs:1: Engine.Plugins.Stages.Dnf uses Engine.Plugins.Stages.Rpm")]
    [InlineData("namespace Engine.Plugins.Stages.Dnf;\nclass A { object B => global::Engine.Plugins.Stages.Rpm.PackageTree.DbPath; }\n", "DnfStage.cs:2: Engine.Plugins.Stages.Dnf uses Engine.Plugins.Stages.Rpm")]
    [InlineData("namespace Engine.Plugins.Stages.Dnf;\nclass A { object B => Rpm.PackageTree.DbPath; }\n", "DnfStage.cs:2: Engine.Plugins.Stages.Dnf uses Engine.Plugins.Stages.Rpm")]
    [InlineData("namespace Engine.Plugins.Stages.Dnf;\nclass A { object B => Stages.Rpm.PackageTree.DbPath; }\n", "DnfStage.cs:2: Engine.Plugins.Stages.Dnf uses Engine.Plugins.Stages.Rpm")]
    [InlineData("using Engine.Plugins.Assemblers.Common;\nnamespace Engine.Plugins.Stages.Dnf;\n", "DnfStage.cs:1: Engine.Plugins.Stages.Dnf uses Engine.Plugins.Assemblers.Common")]
    [InlineData("namespace Engine.Plugins.Stages.Dnf;\nstatic class L { [System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getpid(); }\n", "DnfStage.cs: declares a P/Invoke")]
    [InlineData("namespace Engine.Plugins.Stages.Dnf;\npartial class L { [LibraryImport(\"libc\")] static partial int getpid(); }\n", "DnfStage.cs: declares a P/Invoke")]
    [InlineData("namespace Engine.Plugins.Stages.Rpm;\n", "DnfStage.cs: declares namespace Engine.Plugins.Stages.Rpm; files in this folder belong to Engine.Plugins.Stages.Dnf")]
    public void Violations_PluginUsingAnotherPlugin_AreReported(string dnfSource, string expected)
    {
        IReadOnlyList<string> violations = PluginBoundary.Violations(
        [
            ("stages/org.osbuild.dnf/DnfStage.cs", dnfSource),
            ("stages/org.osbuild.rpm/RpmStage.cs", "namespace Engine.Plugins.Stages.Rpm;\n"),
        ]);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("stages/Common/PackageTree.cs", "using Engine.Plugins.Stages.Rpm;\nnamespace Engine.Plugins.Stages.Common;\n")]
    [InlineData("stages/Common/PackageTree.cs", "using Engine.Plugins.Runners.Common;\nnamespace Engine.Plugins.Stages.Common;\n")]
    [InlineData("Shared/Command.cs", "using Engine.Plugins.Stages.Common;\nnamespace Engine.Plugins.Shared;\n")]
    [InlineData("Builtin/Program.cs", "using Engine.Plugins.Stages.Rpm;\n")]
    public void Violations_SharedCodeUsingAKindOrPlugin_AreReported(string path, string source)
    {
        IReadOnlyList<string> violations = PluginBoundary.Violations(
        [
            (path, source),
            ("stages/org.osbuild.rpm/RpmStage.cs", "namespace Engine.Plugins.Stages.Rpm;\n"),
        ]);

        Assert.Contains(violations, v => v.StartsWith(path + ":1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Violations_AllowedUsesCommentsAndStrings_AreNotReported()
    {
        IReadOnlyList<string> violations = PluginBoundary.Violations(
        [
            ("stages/org.osbuild.dnf/DnfStage.cs", """
                using Engine.Plugins.Builtin;
                using Engine.Plugins.Shared;
                using Engine.Plugins.Stages.Common;
                namespace Engine.Plugins.Stages.Dnf;
                // Like Engine.Plugins.Stages.Rpm, this stage… (a comment, not code)
                class A { string B => "Rpm.PackageTree and [DllImport] in a string"; string C => $"{Dnf.X}"; }
                """),
            ("stages/org.osbuild.rpm/RpmStage.cs", "namespace Engine.Plugins.Stages.Rpm;\n"),
            ("stages/Common/PackageTree.cs", "using Engine.Plugins.Shared;\nnamespace Engine.Plugins.Stages.Common;\n"),
            ("Builtin/Program.cs", "using Engine.Plugins.Builtin;\nusing Engine.Plugins.Shared;\n"),
        ]);

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("org.osbuild.fix-bls", "FixBls")]
    [InlineData("org.osbuild.fedora27", "Fedora27")]
    [InlineData("org.osbuild.kernel-cmdline", "KernelCmdline")]
    public void PluginSegment_FolderName_IsPascalCasedLastPart(string folder, string segment)
        => Assert.Equal(segment, PluginBoundary.PluginSegment(folder));
}
