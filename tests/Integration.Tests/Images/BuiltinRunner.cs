using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Engine.Integration.Tests.Images;

/// <summary>
/// Runs a built-in plugin of the published multi-call binary directly, the way the host's runner
/// would inside the container: <c>osbuild-builtin NAME</c> with the arguments JSON on stdin, but
/// without fd 3 (no RPC channel, so no loop service). The binary is <c>OSBUILD_BUILTIN</c>, else
/// <c>&lt;repo&gt;/out/lib/osbuild/osbuild-builtin</c> as ./build.sh installs it.
/// </summary>
internal static class BuiltinRunner
{
    public static string BinaryPath
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("OSBUILD_BUILTIN");
            string path = string.IsNullOrEmpty(configured)
                ? Path.Combine(RepositoryRoot(), "out/lib/osbuild/osbuild-builtin")
                : configured;
            if (!File.Exists(path))
            {
                Assert.Fail($"the plugin binary {path} does not exist: run ./build.sh, or publish plugins/Engine.Plugins.csproj and set OSBUILD_BUILTIN to the binary");
            }

            return path;
        }
    }

    /// <summary>Runs a stage with <c>{"tree", "sources", "options"}</c>.</summary>
    public static Task<PluginRun> RunStageAsync(string name, string tree, JsonObject options, CancellationToken cancellationToken)
        => RunAsync(name, new JsonObject { ["tree"] = tree, ["sources"] = "/run/osbuild/sources", ["options"] = options }, cancellationToken);

    /// <summary>Runs an assembler with <c>{"tree", "options", "output_dir"}</c>.</summary>
    public static Task<PluginRun> RunAssemblerAsync(string name, string tree, string outputDir, JsonObject options, CancellationToken cancellationToken)
        => RunAsync(name, new JsonObject { ["tree"] = tree, ["options"] = options, ["output_dir"] = outputDir }, cancellationToken);

    private static async Task<PluginRun> RunAsync(string name, JsonObject arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(name);
        startInfo.Environment.Remove("OSBUILD_RPC_FD");
        using var process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(arguments.ToJsonString());
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new PluginRun(process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Engine.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Engine.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>How a plugin run ended.</summary>
internal sealed record PluginRun(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>Fails the test with the plugin's output unless it exited 0.</summary>
    public PluginRun AssertSuccess()
    {
        Assert.True(ExitCode == 0, $"the plugin exited with {ExitCode}:\n{Output}");
        return this;
    }
}
