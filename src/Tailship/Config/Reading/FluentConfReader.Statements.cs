namespace Tailship.Config.Reading;

/// <summary>A <c>key value</c> line, and <c>@include</c>.</summary>
internal sealed partial class FluentConfReader
{
    private void ReadStatement()
    {
        var keyStart = _cursor.Pos;
        var key = ReadKey();
        if (key is null)
        {
            return;
        }

        var keyLocation = _cursor.LocationAt(keyStart);
        var keyEnd = _cursor.Pos;

        // Bare 'include' is Fluentd's deprecated spelling, understood only where a section could start a file.
        var isInclude = key == "@include" || (key == "include" && _open.Count == 0);
        if (_cursor.SkipSpacingWithoutComment())
        {
            // A key alone on its line has the empty value (Fluentd's "tag_mapped" style).
            if (isInclude)
            {
                _context.Error(_cursor.LocationAt(keyEnd), $"expected a file path or glob after {key}, found end of line");
                return;
            }

            Current.Params.Add(new ConfigParam(key, string.Empty, keyLocation, _cursor.LocationAt(keyEnd)));
            return;
        }

        if (isInclude)
        {
            if (key == "include")
            {
                _context.Warning(keyLocation, "'include' is deprecated: write '@include'");
            }

            ReadInclude();
            return;
        }

        CheckReservedPrefix(key, keyLocation);
        var valueStart = _cursor.Pos;
        var value = ReadValue(allowJson: true);
        if (value is null)
        {
            return;
        }

        if (!_cursor.SkipLineEnd())
        {
            _cursor.SkipBlanks();
            _context.Error(_cursor.Location, $"expected end of line after the value of '{key}', found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
            return;
        }

        Current.Params.Add(new ConfigParam(key, value.Value.Text, keyLocation, _cursor.LocationAt(valueStart), value.Value.Style));
    }

    private string? ReadKey()
    {
        if (_cursor.Current is '"' or '\'')
        {
            var quoted = ReadValue(allowJson: false);
            return quoted?.Text;
        }

        var start = _cursor.Pos;
        while (!_cursor.AtEnd && _cursor.Current is not (' ' or '\t' or '\n' or '\r'))
        {
            _cursor.Pos++;
        }

        return _cursor.Text[start.._cursor.Pos];
    }

    private void CheckReservedPrefix(string key, SourceLocation location)
    {
        if (!key.StartsWith('@') || ReservedParams.Contains(key))
        {
            return;
        }

        const string Why = "'@' is the system reserved prefix; only @type, @id, @label, @log_level and @include may start with '@'";
        if (_open.Count == 0 || TopLevelSections.Contains(Current.Name))
        {
            _context.Error(location, $"'{key}': {Why}");
        }
        else
        {
            _context.Warning(location, $"'{key}': {Why} (Fluentd still accepts it in nested sections)");
        }
    }

    private void ReadInclude()
    {
        var valueStart = _cursor.Pos;
        var target = ReadValue(allowJson: false);
        if (target is null)
        {
            return;
        }

        if (!_cursor.SkipLineEnd())
        {
            _cursor.SkipBlanks();
            _context.Error(_cursor.Location, $"expected end of line after the @include path, found {_cursor.Found()}");
            _cursor.SkipRestOfLine();
            return;
        }

        var location = _cursor.LocationAt(valueStart);
        foreach (var file in IncludeResolver.Resolve(target.Value.Text, _fullPath, location, _context))
        {
            var source = _context.ReadFile(file, location);
            if (source is not null)
            {
                // The included file's sections and parameters land here, in the section that is open.
                Read(source, file, Current, _context, included: true);
            }
        }
    }
}
