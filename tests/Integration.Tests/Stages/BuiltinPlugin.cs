using System.Diagnostics;
using System.Text.Json;

namespace Engine.Integration.Tests.Stages;

/// <summary>
/// Runs one plugin of the published multi-call executable directly, without host or container:
/// <c>osbuild-builtin NAME</c> with the arguments JSON on stdin and no fd 3. The binary is
/// <c>$OSBUILD_BUILTIN</c>, else <c>&lt;repo&gt;/out/lib/osbuild/osbuild-builtin</c> as ./build.sh
/// installs it. To test a fresh build:
/// <c>dotnet publish plugins/Engine.Plugins.csproj -c Release -o /tmp/pub</c>, then
/// <c>OSBUILD_BUILTIN=/tmp/pub/osbuild-builtin dotnet test tests/Integration.Tests</c>.
/// </summary>
internal static class BuiltinPlugin
{
    /// <summary>Path of the executable; fails the test (not skips) when it is missing.</summary>
    public static string BinaryPath
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("OSBUILD_BUILTIN") is { Length: > 0 } configured
                ? configured
                : Path.Combine(RepositoryRoot(), "out/lib/osbuild/osbuild-builtin");
            if (!File.Exists(path))
            {
                Assert.Fail($"the plugin executable {path} does not exist: run ./build.sh, or publish plugins/Engine.Plugins.csproj and set OSBUILD_BUILTIN to its osbuild-builtin");
            }

            return path;
        }
    }

    /// <summary>Runs a stage: stdin <c>{"tree", "sources", "options"}</c>.</summary>
    /// <param name="optionsJson">The options object as JSON text.</param>
    /// <param name="environment">Variables to set (null value: remove), e.g. PATH.</param>
    public static Task<PluginResult> RunStageAsync(string name, string tree, string optionsJson, IReadOnlyDictionary<string, string?>? environment = null)
        => RunAsync("stages/" + name, $$"""{"tree": {{Quote(tree)}}, "sources": "/run/osbuild/sources", "options": {{optionsJson}}}""", environment);

    /// <summary>Runs an assembler: stdin <c>{"tree", "options", "output_dir"}</c>.</summary>
    public static Task<PluginResult> RunAssemblerAsync(string name, string tree, string outputDir, string optionsJson, IReadOnlyDictionary<string, string?>? environment = null)
        => RunAsync("assemblers/" + name, $$"""{"tree": {{Quote(tree)}}, "options": {{optionsJson}}, "output_dir": {{Quote(outputDir)}}}""", environment);

    /// <summary>Runs <c>osbuild-builtin NAME ARGS…</c> with <paramref name="stdin"/> and returns status and output.</summary>
    public static async Task<PluginResult> RunAsync(string name, string stdin, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        var startInfo = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(name);
        foreach (string argument in arguments ?? [])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("OSBUILD_RPC_FD");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        return await ProcessRunner.RunAsync(startInfo, stdin);
    }

    /// <summary>A JSON string literal.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);

    public static string RepositoryRoot()
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

/// <summary>Exit status and output of one plugin run.</summary>
internal sealed record PluginResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>For assertion messages: everything the plugin said.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>Runs a child with stdin text, collects stdout/stderr, kills it when the test is cancelled.</summary>
internal static class ProcessRunner
{
    public static async Task<PluginResult> RunAsync(ProcessStartInfo startInfo, string stdin)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {startInfo.FileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited without reading its stdin (e.g. a usage error); its status tells.
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new PluginResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a helper program (cp, debootstrap, tar…) and fails the test if it fails.</summary>
    public static async Task<string> CheckedAsync(string file, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        PluginResult result = await RunAsync(startInfo, "");
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', arguments)} failed: {result}");
        return result.Stdout;
    }
}
