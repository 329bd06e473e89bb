using System.Text;

namespace Tailship.Config.Reading;

/// <summary>
/// The part of Ruby that configurations embed with <c>#{...}</c> in double-quoted values. Tailship does not run
/// Ruby: it understands the expressions people write to read the environment and the host, and rejects every
/// other expression with a message that names what it understands.
/// Grammar: <c>expr := term ('||' term)*</c>; <c>term := ENV[str] | ENV.fetch(str[, str]) | Socket.gethostname |
/// hostname | worker_id | str</c>, where <c>str</c> is a single- or double-quoted Ruby string without interpolation.
/// As in Ruby, a missing variable is nil, <c>a || b</c> takes b when a is nil, and nil renders as "".
/// </summary>
internal static class EmbeddedRuby
{
    public const string Supported =
        "ENV['NAME'], ENV[\"NAME\"], ENV.fetch('NAME'), ENV.fetch('NAME', 'default'), Socket.gethostname, hostname, " +
        "worker_id, string literals, and 'a || b' between them";

    /// <summary>
    /// The index of the <c>}</c> that closes code starting at <paramref name="start"/> (just after <c>#{</c>), skipping
    /// braces inside Ruby string literals and nested braces; -1 when the text ends first.
    /// </summary>
    public static int FindEnd(string text, int start)
    {
        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                i = SkipRubyString(text, i);
                if (i < 0)
                {
                    return -1;
                }
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }
        }

        return -1;
    }

    /// <summary>Evaluates <paramref name="code"/>; on failure <paramref name="error"/> says why and what is supported.</summary>
    public static bool TryEvaluate(string code, ConfigLoadOptions options, out string value, out string? error)
    {
        var parser = new Parser(code, options);
        string? result;
        try
        {
            result = parser.ParseExpression();
        }
        catch (FormatException)
        {
            value = string.Empty;
            error = $"embedded Ruby '#{{{code}}}' is not supported: Tailship does not run Ruby; it understands {Supported}";
            return false;
        }
        catch (KeyNotFoundException ex)
        {
            value = string.Empty;
            error = ex.Message;
            return false;
        }

        value = result ?? string.Empty;
        error = null;
        return true;
    }

    // Returns the index of the closing quote of the Ruby string opening at `start`, or -1.
    private static int SkipRubyString(string text, int start)
    {
        var quote = text[start];
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A recursive-descent reader of the supported subset. Unsupported input throws <see cref="FormatException"/>
    /// and a missing <c>ENV.fetch</c> key throws <see cref="KeyNotFoundException"/>; both are caught by
    /// <see cref="TryEvaluate"/> and never leave this class.
    /// </summary>
    private sealed class Parser(string code, ConfigLoadOptions options)
    {
        private int _pos;

        public string? ParseExpression()
        {
            // "#{}" is Ruby's nil, which renders as "".
            if (string.IsNullOrWhiteSpace(code))
            {
                return null;
            }

            var value = ParseTerm();
            SkipSpaces();
            while (Accept("||"))
            {
                var right = ParseTerm();
                value ??= right;
                SkipSpaces();
            }

            if (_pos != code.Length)
            {
                throw new FormatException();
            }

            return value;
        }

        private string? ParseTerm()
        {
            SkipSpaces();
            if (_pos < code.Length && code[_pos] is '\'' or '"')
            {
                return ParseString();
            }

            var name = ParseIdentifier();
            switch (name)
            {
                case "ENV":
                    return ParseEnv();
                case "Socket":
                    Expect(".");
                    if (ParseIdentifier() != "gethostname")
                    {
                        throw new FormatException();
                    }

                    SkipEmptyParens();
                    return options.Hostname;
                case "hostname":
                    return options.Hostname;
                case "worker_id":
                    return options.WorkerId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    throw new FormatException();
            }
        }

        private string? ParseEnv()
        {
            SkipSpaces();
            if (Accept("["))
            {
                var key = ParseString();
                Expect("]");
                return options.GetEnvironmentVariable(key);
            }

            Expect(".");
            if (ParseIdentifier() != "fetch")
            {
                throw new FormatException();
            }

            Expect("(");
            var name = ParseString();
            string? fallback = null;
            var hasDefault = false;
            if (Accept(","))
            {
                SkipSpaces();
                fallback = code.AsSpan(_pos).StartsWith("nil") ? SkipNil() : ParseString();
                hasDefault = true;
            }

            Expect(")");
            var value = options.GetEnvironmentVariable(name);
            if (value is null && !hasDefault)
            {
                throw new KeyNotFoundException(
                    $"ENV.fetch('{name}') failed: the environment variable {name} is not set and no default is given " +
                    $"(Ruby raises KeyError here); set it, or write ENV.fetch('{name}', 'default') or ENV['{name}']");
            }

            return value ?? fallback;
        }

        private string? SkipNil()
        {
            _pos += 3;
            return null;
        }

        private void SkipEmptyParens()
        {
            SkipSpaces();
            if (Accept("("))
            {
                Expect(")");
            }
        }

        private string ParseIdentifier()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < code.Length && (char.IsAsciiLetterOrDigit(code[_pos]) || code[_pos] == '_'))
            {
                _pos++;
            }

            if (start == _pos)
            {
                throw new FormatException();
            }

            return code[start.._pos];
        }

        private string ParseString()
        {
            SkipSpaces();
            if (_pos >= code.Length || code[_pos] is not ('\'' or '"'))
            {
                throw new FormatException();
            }

            var quote = code[_pos++];
            var sb = new StringBuilder();
            while (_pos < code.Length && code[_pos] != quote)
            {
                var c = code[_pos++];
                if (c == '\\' && _pos < code.Length)
                {
                    var next = code[_pos++];
                    sb.Append(quote == '\'' ? SingleQuotedEscape(next) : DoubleQuotedEscape(next));
                    continue;
                }

                if (quote == '"' && c == '#' && _pos < code.Length && code[_pos] == '{')
                {
                    // Interpolation inside the embedded code: beyond the subset.
                    throw new FormatException();
                }

                sb.Append(c);
            }

            if (_pos >= code.Length)
            {
                throw new FormatException();
            }

            _pos++;
            return sb.ToString();
        }

        private static string SingleQuotedEscape(char c) => c is '\'' or '\\' ? c.ToString() : "\\" + c;

        private static string DoubleQuotedEscape(char c) => c switch
        {
            'n' => "\n",
            't' => "\t",
            'r' => "\r",
            's' => " ",
            '0' => "\0",
            'e' => "\u001b",
            _ => c.ToString(),
        };

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw new FormatException();
            }
        }

        private bool Accept(string token)
        {
            SkipSpaces();
            if (code.AsSpan(_pos).StartsWith(token, StringComparison.Ordinal))
            {
                _pos += token.Length;
                return true;
            }

            return false;
        }

        private void SkipSpaces()
        {
            while (_pos < code.Length && char.IsWhiteSpace(code[_pos]))
            {
                _pos++;
            }
        }
    }
}
