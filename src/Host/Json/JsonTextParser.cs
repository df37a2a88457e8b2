using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Engine.Host.Json;

/// <summary>
/// Reads JSON the way osbuild (Python's json module) does, into <see cref="JValue"/>: numbers with
/// <c>.</c>/<c>e</c>/<c>E</c> are doubles, others arbitrary-precision integers; NaN, Infinity and
/// -Infinity are accepted; a repeated key keeps its first position and takes the last value.
/// Every error names the source, line, column and JSON path. Nesting is bounded so that hostile
/// input ends in an error, not a stack overflow.
/// </summary>
public sealed class JsonTextParser
{
    /// <summary>Deeper documents are refused (Python's own limit is about 1000).</summary>
    public const int MaxDepth = 512;

    private readonly string _text;
    private readonly string _source;
    private readonly List<string> _path = new();
    private int _pos;

    private JsonTextParser(string text, string source)
    {
        _text = text;
        _source = source;
    }

    /// <summary>Parses a whole document.</summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="source">File name (or "stdin") for error messages.</param>
    /// <exception cref="JsonInputException">The text is not one valid JSON value.</exception>
    public static JValue Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new JsonTextParser(text, source);
        if (parser._text.Length > 0 && parser._text[0] == '\uFEFF')
        {
            parser._pos = 1;
        }

        parser.SkipWhitespace();
        if (parser._pos >= parser._text.Length)
        {
            throw parser.Error("expected a JSON value, found the end of the input (the file is empty)");
        }

        JValue value = parser.ParseValue(0);
        parser.SkipWhitespace();
        if (parser._pos < parser._text.Length)
        {
            throw parser.Error($"expected the end of the document after the top-level value, found {parser.Describe()}");
        }

        return value;
    }

    /// <summary>Decodes UTF-8 bytes strictly, then parses.</summary>
    /// <exception cref="JsonInputException">Invalid UTF-8 or invalid JSON.</exception>
    public static JValue Parse(ReadOnlySpan<byte> utf8, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new JsonInputException(source, 1, 1, "$", $"the file is not valid UTF-8 (bad byte at offset {e.Index}); save it as UTF-8");
        }

        return Parse(text, source);
    }

    private JValue ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error($"the document nests deeper than {MaxDepth} levels");
        }

        SkipWhitespace();
        if (_pos >= _text.Length)
        {
            throw Error("expected a value, found the end of the input (the document is truncated)");
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject(depth);
            case '[':
                return ParseArray(depth);
            case '"':
                return new JValue.String(ParseString());
            case 't':
                ExpectLiteral("true");
                return JValue.Bool.True;
            case 'f':
                ExpectLiteral("false");
                return JValue.Bool.False;
            case 'n':
                ExpectLiteral("null");
                return JValue.Null.Instance;
            case 'N':
                ExpectLiteral("NaN");
                return new JValue.Float(double.NaN);
            case 'I':
                ExpectLiteral("Infinity");
                return new JValue.Float(double.PositiveInfinity);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber();
                }

                throw Error($"expected a value (object, array, string, number, true, false or null), found {Describe()}");
        }
    }

    private JValue.Object ParseObject(int depth)
    {
        _pos++; // '{'
        var members = new List<KeyValuePair<string, JValue>>();
        Dictionary<string, int>? index = null;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return JValue.Object.Empty;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                throw Error($"expected a member name in double quotes, found {Describe()}");
            }

            string key = ParseString();
            SkipWhitespace();
            if (Peek() != ':')
            {
                throw Error($"expected ':' after member name \"{key}\", found {Describe()}");
            }

            _pos++;
            _path.Add("." + key);
            JValue value = ParseValue(depth + 1);
            _path.RemoveAt(_path.Count - 1);

            index ??= new Dictionary<string, int>(StringComparer.Ordinal);
            if (index.TryGetValue(key, out int existing))
            {
                members[existing] = KeyValuePair.Create(key, value);
            }
            else
            {
                index[key] = members.Count;
                members.Add(KeyValuePair.Create(key, value));
            }

            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _pos++;
                continue;
            }

            if (next == '}')
            {
                _pos++;
                return new JValue.Object(members.ToImmutableArray());
            }

            throw Error($"expected ',' or '}}' after the value of \"{key}\", found {Describe()}");
        }
    }

    private JValue.Array ParseArray(int depth)
    {
        _pos++; // '['
        var items = ImmutableArray.CreateBuilder<JValue>();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            return JValue.Array.Empty;
        }

        while (true)
        {
            _path.Add($"[{items.Count}]");
            items.Add(ParseValue(depth + 1));
            _path.RemoveAt(_path.Count - 1);
            SkipWhitespace();
            char next = Peek();
            if (next == ',')
            {
                _pos++;
                continue;
            }

            if (next == ']')
            {
                _pos++;
                return new JValue.Array(items.ToImmutable());
            }

            throw Error($"expected ',' or ']' after array item {items.Count - 1}, found {Describe()}");
        }
    }

    private string ParseString()
    {
        int start = _pos;
        _pos++; // opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                _pos = start;
                throw Error("unterminated string (no closing '\"')");
            }

            char c = _text[_pos++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < 0x20)
            {
                _pos--;
                throw Error($"control character U+{(int)c:X4} inside a string; write it as an escape such as \\n or \\u00{(int)c:x2}");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw Error("unterminated escape sequence at the end of the input");
            }

            char e = _text[_pos++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        _pos -= 2;
                        throw Error("invalid \\u escape: expected four hex digits");
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos -= 2;
                    throw Error($"invalid escape '\\{e}' in a string");
            }
        }
    }

    private JValue ParseNumber()
    {
        int start = _pos;
        if (Peek() == '-')
        {
            _pos++;
            if (string.CompareOrdinal(_text, _pos, "Infinity", 0, 8) == 0)
            {
                _pos += 8;
                return new JValue.Float(double.NegativeInfinity);
            }
        }

        if (Peek() == '0')
        {
            _pos++;
        }
        else if (IsDigit(Peek()))
        {
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }
        else
        {
            _pos = start;
            throw Error($"invalid number: expected a digit after '-', found {DescribeAt(start + 1)}");
        }

        bool isFloat = false;
        if (Peek() == '.' && _pos + 1 < _text.Length && IsDigit(_text[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (IsDigit(Peek()))
            {
                _pos++;
            }
        }

        if (Peek() is 'e' or 'E')
        {
            int mark = _pos;
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }

            if (IsDigit(Peek()))
            {
                isFloat = true;
                while (IsDigit(Peek()))
                {
                    _pos++;
                }
            }
            else
            {
                _pos = mark; // Python stops the number before a dangling exponent, then fails on what follows
            }
        }

        ReadOnlySpan<char> literal = _text.AsSpan(start, _pos - start);
        if (isFloat)
        {
            return new JValue.Float(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return new JValue.Integer(BigInteger.Parse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    private void ExpectLiteral(string literal)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw Error($"expected a value, found {Describe()}");
        }

        _pos += literal.Length;
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
        {
            _pos++;
        }
    }

    private string Describe() => DescribeAt(_pos);

    private string DescribeAt(int position)
    {
        if (position >= _text.Length)
        {
            return "the end of the input";
        }

        char c = _text[position];
        return c < 0x20 || c > 0x7e ? $"character U+{(int)c:X4}" : $"'{c}'";
    }

    private JsonInputException Error(string problem)
    {
        int line = 1;
        int column = 1;
        for (int i = 0; i < _pos && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new JsonInputException(_source, line, column, "$" + string.Concat(_path), problem);
    }
}
