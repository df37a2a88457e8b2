namespace Engine.Plugins.Shared;

/// <summary>How <see cref="Command"/> runs one command; the default passes stdout and stderr through and prints nothing itself.</summary>
internal sealed record CommandSettings
{
    public static readonly CommandSettings Default = new();

    /// <summary>Print the command line on stdout first, so that the stage log shows what was done (osbuild's stages print their commands).</summary>
    public static readonly CommandSettings Echoed = new() { Echo = true };

    /// <inheritdoc cref="Echoed"/>
    public bool Echo { get; init; }

    /// <summary>Text written to the command's stdin (then closed); null: stdin is closed at once.</summary>
    public string? Input { get; init; }

    /// <summary>Variables set for the command, on top of the plugin's environment.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Where stdout goes instead of the plugin's stdout (e.g. an output file, or <see cref="Stream.Null"/> to drop it).</summary>
    public Stream? StdoutTarget { get; init; }

    /// <summary>Collect stdout into <see cref="CommandResult.Stdout"/> instead of passing it on.</summary>
    public bool CaptureStdout { get; init; }

    /// <summary>The folder the command starts in; null: the plugin's own.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Keep stderr to the failure message only, instead of also passing it on.</summary>
    public bool QuietStderr { get; init; }
}

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">The exit status (128 + n for a signal, as the shell reports it).</param>
/// <param name="Stdout">stdout, when it was captured; else "".</param>
/// <param name="StderrTail">The last lines of stderr, joined by newlines.</param>
internal sealed record CommandResult(int ExitCode, string Stdout, string StderrTail);
