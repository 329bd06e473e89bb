using System.Text;

namespace Tailship.Hosting;

/// <summary>
/// Splits a command line held in one string (the <c>FLUENTD_ARGS</c> variable of Fluentd's images) into words the
/// way a POSIX shell would, without expansion: whitespace separates words, single quotes keep everything literally,
/// double quotes keep everything but <c>\"</c>, <c>\\</c>, <c>\$</c> and <c>\`</c>, and a backslash outside quotes
/// escapes the next character.
/// </summary>
internal static class ShellWords
{
    /// <summary>Returns the words, or null with <paramref name="error"/> set when a quote is not closed.</summary>
    public static IReadOnlyList<string>? Split(string text, out string? error)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                i++;
                continue;
            }

            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = "unterminated single quote";
                        return null;
                    }

                    current.Append(text, i + 1, close - i - 1);
                    i = close + 1;
                    break;
                case '"':
                    i++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            error = "unterminated double quote";
                            return null;
                        }

                        if (text[i] == '"')
                        {
                            i++;
                            break;
                        }

                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            i++;
                        }

                        current.Append(text[i]);
                        i++;
                    }

                    break;
                case '\\' when i + 1 < text.Length:
                    current.Append(text[i + 1]);
                    i += 2;
                    break;
                default:
                    current.Append(c);
                    i++;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        error = null;
        return words;
    }
}
