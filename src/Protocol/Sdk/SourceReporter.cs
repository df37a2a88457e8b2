using System.Net.Sockets;

namespace Engine.Protocol.Sdk;

/// <summary>
/// What a source tells the host while it fetches (docs/protocol.md §5): progress and log lines,
/// which the host shows as the progress and log of the stage whose <c>sources.get</c> started the
/// source. For every .NET source: a program built on <see cref="SourceProgram"/>, and an
/// <see cref="ISourcePlugin"/> assembly, which osbuild-assembly-source runs in a process that has
/// the same descriptor. Progress is a courtesy: without a channel (a source run by hand, or a
/// descriptor that is no socket) progress is dropped and log lines go to stderr, and a host that
/// went away fails nothing.
/// <code>await using var reporter = SourceReporter.FromEnvironment();
/// await reporter.ReportProgressAsync(done, total, "org.example.source: 3/10 files", ct);</code>
/// Dispose it before the fetch returns: notifications still queued are delivered then.
/// </summary>
public sealed class SourceReporter : IAsyncDisposable
{
    private readonly HostConnection? _connection;

    private SourceReporter(HostConnection? connection) => _connection = connection;

    /// <summary>True when the host gave a channel (<c>OSBUILD_RPC_FD</c>).</summary>
    public bool HasChannel => _connection is not null;

    /// <summary>Connects to the channel the host gave this process, if any.</summary>
    public static SourceReporter FromEnvironment()
    {
        try
        {
            return new SourceReporter(HostConnection.FromEnvironment());
        }
        catch (SocketException)
        {
            // OSBUILD_RPC_FD names no socket: report nothing, fetch all the same.
            return new SourceReporter(null);
        }
    }

    /// <summary>Reports progress (<paramref name="total"/> 0: unknown); dropped without a channel.</summary>
    public Task ReportProgressAsync(long current, long total, string? message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _connection?.Services.Progress(new ProgressNotification(current, total, message));
        return Task.CompletedTask;
    }

    /// <summary>Sends a log line (level: debug, info, warning or error); to stderr without a channel.</summary>
    public Task LogAsync(string level, string message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_connection is not null)
        {
            _connection.Services.Log(new LogNotification(level, message));
        }
        else
        {
            Console.Error.WriteLine($"{level}: {message}");
        }

        return Task.CompletedTask;
    }

    /// <summary>Delivers what is queued and closes the channel.</summary>
    public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
}
