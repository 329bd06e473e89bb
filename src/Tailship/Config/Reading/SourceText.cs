namespace Tailship.Config.Reading;

/// <summary>The text of one configuration file, with the name diagnostics show and offset-to-line/column mapping.</summary>
internal sealed class SourceText
{
    // Offsets at which each line starts; line N (1-based) starts at _lineStarts[N - 1].
    private readonly List<int> _lineStarts = [0];

    public SourceText(string file, string text)
    {
        File = file;
        Text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The name diagnostics show (relative when the user gave a relative path).</summary>
    public string File { get; }

    public string Text { get; }

    /// <summary>The 1-based line and column of <paramref name="offset"/>; a tab counts as one column.</summary>
    public SourceLocation LocationAt(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = _lineStarts.BinarySearch(offset);
        var line = index >= 0 ? index : ~index - 1;
        return new SourceLocation(File, line + 1, offset - _lineStarts[line] + 1);
    }
}
