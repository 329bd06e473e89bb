using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.Parsers;

/// <summary>
/// Compiles a Ruby (Onigmo) regular expression, as written in Fluentd configs, into a .NET <see cref="Regex"/> that
/// runs over a line's bytes seen as Latin-1 (one char per byte; see <see cref="ByteMatcher"/>). This matches how
/// Fluentd's in_tail reads lines: as binary strings, on which an ASCII pattern matches byte by byte.
/// Translations: <c>^</c>/<c>$</c> are always line anchors in Ruby (so <see cref="RegexOptions.Multiline"/>);
/// Ruby's <c>m</c> flag and <c>(?m)</c> mean dot-all (.NET <c>s</c>); <c>\h</c>/<c>\H</c> are hex digits; <c>\d \w \s</c>
/// are ASCII-only; with named groups, plain parentheses do not capture; a non-ASCII character in the pattern becomes
/// its UTF-8 bytes.
/// </summary>
internal static class RubyRegex
{
    private const string Digit = "0-9";
    private const string Word = "a-zA-Z0-9_";
    private const string Space = " \\t\\n\\v\\f\\r";
    private const string Hex = "0-9a-fA-F";

    /// <summary>
    /// Reads a config value of Fluentd's regexp type: <c>/pattern/flags</c> (flags <c>i</c>, <c>m</c>, <c>x</c>) or a bare
    /// pattern.
    /// </summary>
    public static bool TryParseLiteral(string text, out Regex? regex, out string? error, TimeSpan? timeout = null)
    {
        var ignoreCase = false;
        var dotAll = false;
        var extended = false;
        var pattern = text;
        if (text.StartsWith('/'))
        {
            var close = text.LastIndexOf('/');
            if (close == 0 || close < text.Length - 4)
            {
                regex = null;
                error = $"invalid regexp: missing right slash: {text}";
                return false;
            }

            foreach (var flag in text.AsSpan(close + 1))
            {
                switch (flag)
                {
                    case 'i':
                        ignoreCase = true;
                        break;
                    case 'm':
                        dotAll = true;
                        break;
                    case 'x':
                        extended = true;
                        break;
                    default:
                        regex = null;
                        error = $"invalid regexp flag '{flag}' in {text}: expected i, m or x";
                        return false;
                }
            }

            pattern = text[1..close];
        }

        return TryCreate(pattern, ignoreCase, dotAll, extended, out regex, out error, timeout);
    }

    public static bool TryCreate(string pattern, bool ignoreCase, bool dotAll, bool extended, out Regex? regex, out string? error, TimeSpan? timeout = null)
    {
        regex = null;
        if (!TryTranslate(pattern, out var translated, out var hasNamedGroups, out error))
        {
            return false;
        }

        var options = RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.Compiled;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (dotAll)
        {
            options |= RegexOptions.Singleline;
        }

        if (extended)
        {
            options |= RegexOptions.IgnorePatternWhitespace;
        }

        if (hasNamedGroups)
        {
            options |= RegexOptions.ExplicitCapture;
        }

        try
        {
            regex = new Regex(translated, options, timeout is { } t && t > TimeSpan.Zero ? t : Regex.InfiniteMatchTimeout);
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regexp '{pattern}': {ex.Message}";
            return false;
        }
    }

    /// <summary>Rewrites Ruby-only syntax into .NET syntax; fails on Ruby features .NET cannot express.</summary>
    public static bool TryTranslate(string pattern, out string translated, out bool hasNamedGroups, out string? error)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        hasNamedGroups = false;
        error = null;
        var inClass = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var e = pattern[++i];
                string? replacement = (e, inClass > 0) switch
                {
                    ('h', false) => $"[{Hex}]",
                    ('H', false) => $"[^{Hex}]",
                    ('d', false) => $"[{Digit}]",
                    ('D', false) => $"[^{Digit}]",
                    ('w', false) => $"[{Word}]",
                    ('W', false) => $"[^{Word}]",
                    ('s', false) => $"[{Space}]",
                    ('S', false) => $"[^{Space}]",
                    ('h', true) => Hex,
                    ('d', true) => Digit,
                    ('w', true) => Word,
                    ('s', true) => Space,
                    _ => null,
                };
                if (replacement is not null)
                {
                    sb.Append(replacement);
                    continue;
                }

                if (e is 'K' or 'R' or 'X' or 'g')
                {
                    error = $"regexp '{pattern}': '\\{e}' is Ruby-only syntax that Tailship does not support";
                    translated = string.Empty;
                    return false;
                }

                sb.Append('\\');
                AppendChar(sb, e, escaped: true);
                continue;
            }

            if (inClass > 0)
            {
                if (c == '[')
                {
                    // Ruby allows nested classes ([a-z&&[^x]]); .NET reads '[' inside a class as a literal.
                    sb.Append("\\[");
                    continue;
                }

                if (c == ']')
                {
                    inClass--;
                }

                AppendChar(sb, c, escaped: false);
                continue;
            }

            if (c == '[')
            {
                inClass++;
                sb.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append("\\]");
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (rest.Length > 1 && rest[0] == '<' && rest[1] != '=' && rest[1] != '!')
                {
                    hasNamedGroups = true;
                }
                else if (rest.Length > 1 && rest[0] == 'P' && rest[1] == '<')
                {
                    error = $"regexp '{pattern}': '(?P<' is not Ruby syntax; write '(?<name>...)'";
                    translated = string.Empty;
                    return false;
                }
                else if (rest.Length > 0 && (rest[0] is 'm' or 'i' or 'x' or '-'))
                {
                    // Inline options: Ruby's m (dot matches newline) is .NET's s.
                    sb.Append("(?");
                    var j = i + 2;
                    while (j < pattern.Length && pattern[j] is 'm' or 'i' or 'x' or '-')
                    {
                        sb.Append(pattern[j] == 'm' ? 's' : pattern[j]);
                        j++;
                    }

                    i = j - 1;
                    continue;
                }
            }

            if ((c == '+') && i > 0 && IsQuantifierEnd(pattern, i - 1))
            {
                error = $"regexp '{pattern}': possessive quantifiers ('*+', '++', '?+') are not supported; use an atomic group (?>...)";
                translated = string.Empty;
                return false;
            }

            AppendChar(sb, c, escaped: false);
        }

        translated = sb.ToString();
        return true;
    }

    private static bool IsQuantifierEnd(string pattern, int i)
    {
        var c = pattern[i];
        if (c is not ('*' or '+' or '?' or '}'))
        {
            return false;
        }

        // An escaped quantifier character is a literal.
        var backslashes = 0;
        for (var k = i - 1; k >= 0 && pattern[k] == '\\'; k--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0 && c != '}';
    }

    /// <summary>Appends a character; non-ASCII becomes its UTF-8 bytes, because the subject is bytes seen as Latin-1.</summary>
    private static void AppendChar(StringBuilder sb, char c, bool escaped)
    {
        if (c < 0x80)
        {
            sb.Append(c);
            return;
        }

        if (escaped)
        {
            // Drop the backslash already written: an escaped non-ASCII character is the character itself.
            sb.Length--;
        }

        Span<byte> utf8 = stackalloc byte[4];
        Span<char> one = [c];
        var n = Encoding.UTF8.GetBytes(one, utf8);
        for (var k = 0; k < n; k++)
        {
            sb.Append("\\x").Append(utf8[k].ToString("X2", CultureInfo.InvariantCulture));
        }
    }
}
