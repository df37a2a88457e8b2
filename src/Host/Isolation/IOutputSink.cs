namespace Engine.Host.Isolation;

/// <summary>Where the live output of a plugin goes while it runs (the terminal, or nowhere in --json mode).</summary>
public interface IOutputSink
{
    void Write(ReadOnlySpan<byte> bytes);
}
