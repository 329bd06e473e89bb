using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.Text;

/// <summary>
/// Ruby regular expressions as Fluentd's configuration writes them, compiled to .NET. Ruby's <c>^</c> and <c>$</c>
/// always match at line boundaries (.NET <see cref="RegexOptions.Multiline"/>); Ruby's <c>m</c> flag lets <c>.</c>
/// match a newline (.NET <see cref="RegexOptions.Singleline"/>); <c>\h</c> is a hex digit.
/// </summary>
internal static class RubyRegexp
{
    /// <summary>
    /// Fluentd's <c>regexp</c> parameter type: <c>/pattern/flags</c> (flags <c>i</c> and <c>m</c>, at most three
    /// characters after the closing slash) or, when the value does not start with a slash, the whole value.
    /// </summary>
    public static bool TryParseConfigValue(string value, out Regex? regex, out string? error)
    {
        if (!value.StartsWith('/'))
        {
            return TryCompile(value, ignoreCase: false, dotAll: false, out regex, out error);
        }

        var right = value.LastIndexOf('/');
        if (right < value.Length - 3)
        {
            regex = null;
            error = $"invalid regexp: missing right slash: {value}";
            return false;
        }

        var flags = value[(right + 1)..];
        var pattern = right == 0 ? string.Empty : value[1..right];
        return TryCompile(pattern, flags.Contains('i'), flags.Contains('m'), out regex, out error);
    }

    /// <summary>Compiles a Ruby pattern; false with the reason when .NET cannot compile it.</summary>
    public static bool TryCompile(string pattern, bool ignoreCase, bool dotAll, out Regex? regex, out string? error)
    {
        var options = RegexOptions.Multiline | RegexOptions.CultureInvariant;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (dotAll)
        {
            options |= RegexOptions.Singleline;
        }

        try
        {
            regex = new Regex(Translate(pattern), options);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            regex = null;
            error = $"invalid regexp /{pattern}/: {ex.Message}";
            return false;
        }
    }

    // Rewrites the few Ruby constructs that .NET spells differently: \h and \H, and the m flag of inline
    // option groups ((?m) and (?m:...) mean "dot matches newline" in Ruby, which .NET calls s).
    private static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                i++;
                if (next == 'h')
                {
                    sb.Append(inClass ? "0-9a-fA-F" : "[0-9a-fA-F]");
                }
                else if (next == 'H' && !inClass)
                {
                    sb.Append("[^0-9a-fA-F]");
                }
                else
                {
                    sb.Append(c).Append(next);
                }

                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                // A ']' first in a class is a literal.
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append("\\]");
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?' && IsOptionLetter(pattern[i + 2]))
            {
                sb.Append("(?");
                i += 2;
                while (i < pattern.Length && IsOptionLetter(pattern[i]))
                {
                    sb.Append(pattern[i] == 'm' ? 's' : pattern[i]);
                    i++;
                }

                i--;
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static bool IsOptionLetter(char c) => c is 'i' or 'm' or 'x' or '-';
}
