using System.Text;

namespace Tailship.Config.Reading;

/// <summary>Values: bare to the end of the line, single-quoted, double-quoted, and JSON.</summary>
internal sealed partial class FluentConfReader
{
    private readonly record struct Literal(string Text, ConfigValueStyle Style);

    /// <summary>Reads the value at the cursor; null after reporting an error, with the cursor at a line to resume from.</summary>
    private Literal? ReadValue(bool allowJson)
    {
        switch (_cursor.Current)
        {
            case '[' or '{' when allowJson:
                var json = JsonLiteral.Read(_cursor, _context);
                return json is null ? null : new Literal(json, ConfigValueStyle.Json);
            case '"':
                return ReadDoubleQuoted();
            case '\'':
                return ReadSingleQuoted();
            default:
                return ReadBare();
        }
    }

    /// <summary>
    /// To the end of the line, without trailing blanks. A '#' is part of the value unless blanks precede it, so
    /// <c>a#b</c> is one value and <c>a #b</c> is <c>a</c> and a comment, as in Fluentd.
    /// </summary>
    private Literal ReadBare()
    {
        var start = _cursor.Pos;
        var text = _cursor.Text;
        var end = start;
        while (end < text.Length)
        {
            var c = text[end];
            if (ConfCursor.IsLineBreak(c) || (c is ' ' or '\t' && _cursor.IsLineEndAt(end)))
            {
                break;
            }

            end++;
        }

        _cursor.Pos = end;
        var value = text[start..end];
        if (value.Length >= 2 && value[0] == '#' && value[1] is ' ' or '\t')
        {
            // Fluentd reads "key # note" as the value "# note", not as an empty value and a comment.
            _context.Warning(
                _cursor.LocationAt(start),
                $"the value '{value}' starts with '#': Fluentd reads it as the value, not as a comment; quote it, or move the comment to its own line");
        }

        return new Literal(value, ConfigValueStyle.Bare);
    }

    /// <summary>Only <c>\'</c> and <c>\\</c> are escapes; the value ends on its own line, as in Fluentd.</summary>
    private Literal? ReadSingleQuoted()
    {
        var start = _cursor.Pos;
        var text = _cursor.Text;
        var sb = new StringBuilder();
        var i = start + 1;
        while (i < text.Length && !ConfCursor.IsLineBreak(text[i]))
        {
            var c = text[i];
            if (c == '\'')
            {
                _cursor.Pos = i + 1;
                return new Literal(sb.ToString(), ConfigValueStyle.SingleQuoted);
            }

            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\'' or '\\')
            {
                sb.Append(text[i + 1]);
                i += 2;
                continue;
            }

            sb.Append(c);
            i++;
        }

        _context.Error(
            _cursor.LocationAt(start),
            "unterminated single-quoted value: expected a closing ' for the quote opened here, found end of line (single-quoted values cannot span lines; double-quoted ones can)");
        _cursor.ResumeAfterLineOf(start);
        return null;
    }

    private Literal? ReadDoubleQuoted()
    {
        var start = _cursor.Pos;
        var sb = new StringBuilder();
        var end = DoubleQuotedText.Read(_cursor.Text, start + 1, toEnd: false, _cursor.LocationAt, _context, sb, out var failed);
        if (end < 0)
        {
            _context.Error(_cursor.LocationAt(start), "unterminated double-quoted value: expected a closing \" for the quote opened here, found end of file");
            _cursor.ResumeAfterLineOf(start);
            return null;
        }

        _cursor.Pos = end;
        if (failed)
        {
            _cursor.SkipRestOfLine();
            return null;
        }

        return new Literal(sb.ToString(), ConfigValueStyle.DoubleQuoted);
    }
}
