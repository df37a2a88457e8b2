using System.Text;

namespace Engine.Protocol.Tests;

/// <summary>Python's json.dumps string spelling (ensure_ascii), shared by the host's and the plugins' writers.</summary>
public sealed class PythonJsonTextTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("q\"b\\", "\"q\\\"b\\\\\"")]
    [InlineData("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"")]
    [InlineData("\u0001\u001f\u007f", "\"\\u0001\\u001f\\u007f\"")]
    [InlineData("Grüße", "\"Gr\\u00fc\\u00dfe\"")]
    [InlineData("\U0001F600", "\"\\ud83d\\ude00\"")]
    [InlineData("/", "\"/\"")]
    public void QuoteString_Text_IsWhatPythonJsonDumpsWrites(string text, string expected)
        => Assert.Equal(expected, PythonJsonText.QuoteString(text));

    [Fact]
    public void AppendString_AppendsToWhatIsThere()
    {
        var builder = new StringBuilder("[");
        PythonJsonText.AppendString(builder, "a");
        builder.Append(PythonJsonText.ItemSeparator);
        PythonJsonText.AppendString(builder, "b");

        Assert.Equal("[\"a\", \"b\"", builder.ToString());
        Assert.Equal(": ", PythonJsonText.KeySeparator);
    }
}
