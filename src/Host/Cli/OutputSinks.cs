using Engine.Host.Isolation;

namespace Engine.Host.Cli;

/// <summary>Stage output straight to our stdout, as osbuild's interactive mode does.</summary>
internal sealed class StdoutSink : IOutputSink
{
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly Lock _lock = new();

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            Console.Out.Flush();
            _stdout.Write(bytes);
            _stdout.Flush();
        }
    }
}

/// <summary>--json mode: nothing is written while building; the output lands in the result.</summary>
internal sealed class DiscardSink : IOutputSink
{
    public void Write(ReadOnlySpan<byte> bytes)
    {
    }
}

/// <summary>The live output to the display's sink and to the monitor's <c>stage.output</c> records.</summary>
internal sealed class TeeSink(IOutputSink first, IOutputSink second) : IOutputSink
{
    public void Write(ReadOnlySpan<byte> bytes)
    {
        first.Write(bytes);
        second.Write(bytes);
    }
}
