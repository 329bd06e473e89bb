namespace Tailship.Config.Reading;

/// <summary>Section tags: <c>&lt;name argument&gt;</c> opens, <c>&lt;/name&gt;</c> closes.</summary>
internal sealed partial class FluentConfReader
{
    private void ReadOpenTag()
    {
        var start = _cursor.Pos;
        _cursor.Pos++;
        var name = ReadSectionName();
        if (name.Length == 0)
        {
            _context.Error(_cursor.Location, $"expected a section name (letters, digits, '_') after '<', found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
            return;
        }

        _cursor.SkipBlanks();
        var argumentStart = _cursor.Pos;
        while (!_cursor.AtEnd && _cursor.Current != '>' && !ConfCursor.IsLineBreak(_cursor.Current))
        {
            _cursor.Pos++;
        }

        var argument = _cursor.Text[argumentStart.._cursor.Pos].TrimEnd(' ', '\t');
        var section = new ConfigSection(name, argument, _cursor.LocationAt(start));

        // The section is opened even when the tag line is malformed, so that its closing tag does not cascade.
        Current.Sections.Add(section);
        _open.Add(section);

        if (_cursor.Current != '>')
        {
            _context.Error(_cursor.Location, $"expected '>' to end the tag {Head(section)}, found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
            return;
        }

        _cursor.Pos++;
        if (!_cursor.SkipLineEnd())
        {
            _cursor.SkipBlanks();
            _context.Error(_cursor.Location, $"expected end of line after the tag {Head(section)}, found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
        }
    }

    private void ReadCloseTag()
    {
        var start = _cursor.Pos;
        _cursor.Pos += 2;
        var name = ReadSectionName();
        if (name.Length == 0)
        {
            _context.Error(_cursor.Location, $"expected a section name after '</', found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
            return;
        }

        _cursor.SkipBlanks();
        if (_cursor.Current != '>')
        {
            _context.Error(_cursor.Location, $"expected '>' to end the tag '</{name}', found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
        }
        else
        {
            _cursor.Pos++;
            if (!_cursor.SkipLineEnd())
            {
                _cursor.SkipBlanks();
                _context.Error(_cursor.Location, $"expected end of line after '</{name}>', found {_cursor.Found()}");
                _cursor.SkipRestOfLine();
            }
        }

        Close(name, _cursor.LocationAt(start));
    }

    private void Close(string name, SourceLocation at)
    {
        if (_open.Count == 0)
        {
            var why = _included ? " in this included file (an included file can only close the sections it opens)" : string.Empty;
            _context.Error(at, $"found '</{name}>' but no section is open{why}");
            return;
        }

        var match = _open.FindLastIndex(s => s.Name == name);
        if (match < 0)
        {
            var innermost = _open[^1];
            _context.Error(at, $"expected '</{innermost.Name}>' to close {Head(innermost)} opened at {innermost.Location}, found '</{name}>', which closes no open section");
            return;
        }

        // Sections opened after the one being closed were never closed: each is an error naming both places.
        for (var i = _open.Count - 1; i > match; i--)
        {
            var inner = _open[i];
            _context.Error(at, $"expected '</{inner.Name}>' to close {Head(inner)} opened at {inner.Location}, found '</{name}>'");
        }

        _open.RemoveRange(match, _open.Count - match);
    }

    private string ReadSectionName()
    {
        var start = _cursor.Pos;
        while (!_cursor.AtEnd && (char.IsAsciiLetterOrDigit(_cursor.Current) || _cursor.Current == '_'))
        {
            _cursor.Pos++;
        }

        return _cursor.Text[start.._cursor.Pos];
    }
}
