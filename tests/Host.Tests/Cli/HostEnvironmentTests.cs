using Engine.Host.Cli;

namespace Engine.Host.Tests.Cli;

/// <summary>
/// How the host finds a program before a build (<see cref="HostEnvironment.IsInstalled"/>, used by the
/// check of the plugins' <c>requires</c>) and where it looks (<see cref="HostEnvironment.FindOnPath"/>).
/// PATH itself is not changed here: it is the whole test process's, and other tests start programs.
/// </summary>
public sealed class HostEnvironmentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("host-environment-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void FindOnPath_NameOnlyInAnExtraFolder_FoundThereAfterPath()
    {
        string name = "engine-test-tool-" + Guid.NewGuid().ToString("N");
        Assert.Null(HostEnvironment.FindOnPath(name));

        string program = Path.Combine(_folder, name);
        File.WriteAllText(program, "#!/bin/sh\n");

        Assert.Equal(program, HostEnvironment.FindOnPath(name, [_folder]));
        Assert.Null(HostEnvironment.FindOnPath(name));
    }

    [Fact]
    public void FindOnPath_NameOnPathAndInAnExtraFolder_PathWins()
    {
        File.WriteAllText(Path.Combine(_folder, "sh"), "#!/bin/sh\n");

        string? found = HostEnvironment.FindOnPath("sh", [_folder]);

        Assert.NotNull(found);
        Assert.NotEqual(Path.Combine(_folder, "sh"), found);
    }

    [Fact]
    public void IsInstalled_NamesAndPaths()
    {
        Assert.True(HostEnvironment.IsInstalled("sh"));
        Assert.True(HostEnvironment.IsInstalled("/bin/sh"));
        Assert.False(HostEnvironment.IsInstalled("engine-test-no-such-program"));
        Assert.False(HostEnvironment.IsInstalled(Path.Combine(_folder, "sh")));
    }
}
