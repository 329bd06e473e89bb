namespace Tailship.Parsers.Cri;

/// <summary>Splits a CRI log line into time, stream, tag and message (Ruby's <c>split(" ", 4)</c>).</summary>
internal static class CriLine
{
    /// <summary>
    /// Fills four (start, length) ranges. Fields are separated by runs of ASCII whitespace and leading whitespace is
    /// skipped; the fourth field is the rest of the line from its first non-space byte (possibly empty when the
    /// line ends in whitespace after the tag). False when there are fewer than four fields.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> text, Span<(int Start, int Length)> fields)
    {
        var i = 0;
        for (var f = 0; f < 3; f++)
        {
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsSpace(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length)
            {
                return false;
            }

            fields[f] = (start, i - start);
        }

        while (i < text.Length && IsSpace(text[i]))
        {
            i++;
        }

        fields[3] = (i, text.Length - i);
        return true;
    }

    private static bool IsSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r') || b == 0;
}
