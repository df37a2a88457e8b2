using System.Numerics;
using Engine.Host.Json;

namespace Engine.Host.Tests.Json;

public sealed class PythonJsonTests
{
    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1234567890123456.8, "1234567890123456.8")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(12345678901234567890.0, "1.2345678901234567e+19")]
    [InlineData(1e100, "1e+100")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void FormatFloat_MatchesPythonRepr(double value, string expected)
        => Assert.Equal(expected, PythonJson.FormatFloat(value));

    [Fact]
    public void Parse_NumbersKeepIntegerOrFloatAndEveryDigit()
    {
        var value = (JValue.Array)JsonTextParser.Parse("[1, 1.0, -0, 1e2, 123456789012345678901234567890, NaN, -Infinity]", "t");
        Assert.Equal(new JValue.Integer(1), value.Items[0]);
        Assert.Equal(new JValue.Float(1.0), value.Items[1]);
        Assert.Equal(new JValue.Integer(0), value.Items[2]);
        Assert.Equal(new JValue.Float(100.0), value.Items[3]);
        Assert.Equal(new JValue.Integer(BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture)), value.Items[4]);
        Assert.Equal("[1, 1.0, 0, 100.0, 123456789012345678901234567890, NaN, -Infinity]", PythonJson.Compact(value));
    }

    [Fact]
    public void Parse_RepeatedKey_LastValueAtFirstPosition()
    {
        JValue value = JsonTextParser.Parse("""{"b": 1, "a": 2, "b": 3}""", "t");
        Assert.Equal("""{"b": 3, "a": 2}""", PythonJson.Compact(value));
    }

    [Fact]
    public void Canonical_SortsByCodePointAndEscapesAscii()
    {
        JValue value = JsonTextParser.Parse("{\"\uffff\": 1, \"😀\": 2, \"a\": \"é/\\u0001\", \"Z\": []}", "t");
        Assert.Equal("{\"Z\": [], \"a\": \"\\u00e9/\\u0001\", \"\\uffff\": 1, \"\\ud83d\\ude00\": 2}", PythonJson.Canonical(value));
    }

    [Fact]
    public void Indented_MatchesPythonIndent2()
    {
        JValue value = JsonTextParser.Parse("""{"a": [1, {"b": []}], "c": {}}""", "t");
        Assert.Equal("{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}", PythonJson.Indented(value));
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("{\"a\": 1", "expected ',' or '}'")]
    [InlineData("[1 2]", "expected ',' or ']'")]
    [InlineData("{\"a\": tru}", "expected a value")]
    [InlineData("\"abc", "unterminated string")]
    [InlineData("{} x", "expected the end of the document")]
    [InlineData("{\"a\": \"\\x\"}", "invalid escape")]
    public void Parse_Malformed_NamesProblem(string text, string expected)
    {
        var error = Assert.Throws<JsonInputException>(() => JsonTextParser.Parse(text, "bad.json"));
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ErrorInsideNestedValue_ReportsJsonPathAndLine()
    {
        var error = Assert.Throws<JsonInputException>(() => JsonTextParser.Parse("{\"pipeline\": {\n  \"stages\": [{\"name\": x}]}}", "m.json"));
        Assert.Equal("$.pipeline.stages[0].name", error.JsonPath);
        Assert.Equal(2, error.Line);
    }
}
