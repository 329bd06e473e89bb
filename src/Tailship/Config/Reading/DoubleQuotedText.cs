using System.Text;

namespace Tailship.Config.Reading;

/// <summary>
/// The body of a Fluentd double-quoted value: backslash escapes, <c>#{...}</c> embedded Ruby, line breaks kept,
/// and backslash-newline as a line continuation. Shared by fluent.conf and YAML's <c>!fluent/s</c>.
/// </summary>
internal static class DoubleQuotedText
{
    /// <summary>
    /// Reads from <paramref name="start"/> (just after the opening quote) to the closing quote, or to the end of the
    /// text when <paramref name="toEnd"/>. Returns the index after the closing quote (or the text length), or -1
    /// when the text ends before the closing quote. Bad escapes and embedded Ruby are reported and set
    /// <paramref name="failed"/>, but reading goes on so that the end of the value is still found.
    /// </summary>
    public static int Read(
        string text,
        int start,
        bool toEnd,
        Func<int, SourceLocation> locate,
        ConfigReadContext context,
        StringBuilder output,
        out bool failed)
    {
        failed = false;
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && !toEnd)
            {
                return i + 1;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (next == '\n')
                {
                    i += 2;
                    continue;
                }

                if (next == '\r')
                {
                    i += i + 2 < text.Length && text[i + 2] == '\n' ? 3 : 2;
                    continue;
                }

                var unescaped = Unescape(next);
                if (unescaped is null)
                {
                    context.Error(
                        locate(i),
                        $"unexpected back-slash escape character '{next}' in a double-quoted value: expected one of " +
                        $"\\n \\r \\t \\f \\b \\v \\a \\e \\s \\0 \\\" \\\\ or a backslash before a symbol; " +
                        $"write '\\\\{next}' for a backslash and '{next}', or use single quotes");
                    failed = true;
                    output.Append(c).Append(next);
                }
                else
                {
                    output.Append(unescaped);
                }

                i += 2;
                continue;
            }

            if (c == '#' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = EmbeddedRuby.FindEnd(text, i + 2);
                if (end < 0)
                {
                    context.Error(locate(i), "unterminated embedded Ruby: expected '}' to close the '#{' here, found end of file");
                    failed = true;
                    output.Append("#{");
                    i += 2;
                    continue;
                }

                var code = text[(i + 2)..end];
                if (EmbeddedRuby.TryEvaluate(code, context.Options, out var value, out var error))
                {
                    output.Append(value);
                }
                else
                {
                    context.Error(locate(i), error!);
                    failed = true;
                }

                i = end + 1;
                continue;
            }

            output.Append(c);
            i++;
        }

        return toEnd ? text.Length : -1;
    }

    // Fluentd's escapes; a letter or digit it does not know is an error, any other character stands for itself.
    private static string? Unescape(char c) => c switch
    {
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'f' => "\f",
        'b' => "\b",
        'v' => "\v",
        'a' => "\a",
        'e' => "\u001b",
        's' => " ",
        '0' => "\0",
        _ when char.IsAsciiLetterOrDigit(c) => null,
        _ => c.ToString(),
    };
}
