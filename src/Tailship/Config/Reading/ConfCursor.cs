namespace Tailship.Config.Reading;

/// <summary>
/// A position in a fluent.conf text and the spacing rules of Fluentd's v1 parser: a comment is <c>#</c> to the end
/// of the line where a statement may start or after a value, and a line ends at LF, CR or the end of the text.
/// </summary>
internal sealed class ConfCursor(SourceText source)
{
    public SourceText Source { get; } = source;

    public string Text => Source.Text;

    public int Pos { get; set; }

    public bool AtEnd => Pos >= Text.Length;

    public char Current => Pos < Text.Length ? Text[Pos] : '\0';

    public SourceLocation Location => Source.LocationAt(Pos);

    public char Peek(int ahead) => Pos + ahead < Text.Length ? Text[Pos + ahead] : '\0';

    public SourceLocation LocationAt(int offset) => Source.LocationAt(offset);

    public bool StartsWith(string s) => Text.AsSpan(Pos).StartsWith(s, StringComparison.Ordinal);

    public static bool IsLineBreak(char c) => c is '\n' or '\r';

    /// <summary>Skips blanks, line breaks and whole comments (Fluentd's SPACING).</summary>
    public void SkipSpacing()
    {
        while (!AtEnd)
        {
            var c = Current;
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                Pos++;
            }
            else if (c == '#')
            {
                SkipToLineBreak();
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Skips blanks and line breaks but not comments; true when a line break or the end was reached.</summary>
    public bool SkipSpacingWithoutComment()
    {
        var crossed = false;
        while (!AtEnd && Current is ' ' or '\t' or '\n' or '\r')
        {
            crossed |= IsLineBreak(Current);
            Pos++;
        }

        return crossed || AtEnd;
    }

    public void SkipBlanks()
    {
        while (!AtEnd && Current is ' ' or '\t')
        {
            Pos++;
        }
    }

    /// <summary>True when only blanks and a comment remain before the line break at or after <paramref name="offset"/>.</summary>
    public bool IsLineEndAt(int offset)
    {
        var i = offset;
        while (i < Text.Length && Text[i] is ' ' or '\t')
        {
            i++;
        }

        return i >= Text.Length || Text[i] == '#' || IsLineBreak(Text[i]);
    }

    /// <summary>Consumes blanks, a comment and the line break (Fluentd's LINE_END); false, consuming nothing, if other text follows.</summary>
    public bool SkipLineEnd()
    {
        if (!IsLineEndAt(Pos))
        {
            return false;
        }

        SkipToLineBreak();
        SkipLineBreak();
        return true;
    }

    public void SkipToLineBreak()
    {
        while (!AtEnd && !IsLineBreak(Current))
        {
            Pos++;
        }
    }

    /// <summary>Error recovery: continue at the start of the next line.</summary>
    public void SkipRestOfLine()
    {
        SkipToLineBreak();
        SkipLineBreak();
    }

    /// <summary>Error recovery for a value that started at <paramref name="offset"/>: continue on the line after it.</summary>
    public void ResumeAfterLineOf(int offset)
    {
        Pos = offset;
        SkipRestOfLine();
    }

    /// <summary>What stands at the position, for "found ..." in messages.</summary>
    public string Found()
    {
        if (AtEnd)
        {
            return "end of file";
        }

        if (IsLineBreak(Current))
        {
            return "end of line";
        }

        var end = Pos;
        while (end < Text.Length && !IsLineBreak(Text[end]) && end - Pos < 30)
        {
            end++;
        }

        var text = Text[Pos..end].TrimEnd();
        return end - Pos >= 30 ? $"'{text}...'" : $"'{text}'";
    }

    private void SkipLineBreak()
    {
        if (Current == '\r')
        {
            Pos++;
        }

        if (Current == '\n')
        {
            Pos++;
        }
    }
}
