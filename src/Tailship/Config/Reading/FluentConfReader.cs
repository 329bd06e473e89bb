namespace Tailship.Config.Reading;

/// <summary>
/// Reads fluent.conf (Fluentd v1 syntax) into a <see cref="ConfigSection"/> tree: sections of any depth, parameters,
/// comments, <c>@include</c>. Follows Fluentd's v1 parser rule by rule (see docs/configuration.md), but collects
/// every error with its place and goes on at the next line instead of stopping at the first.
/// </summary>
internal sealed partial class FluentConfReader
{
    // Sections whose '@'-prefixed unknown keys Fluentd rejects (elsewhere it only warns).
    private static readonly HashSet<string> TopLevelSections = new(StringComparer.Ordinal) { "match", "source", "filter", "system" };

    private static readonly HashSet<string> ReservedParams = new(StringComparer.Ordinal) { "@type", "@id", "@label", "@log_level" };

    private readonly ConfCursor _cursor;
    private readonly ConfigReadContext _context;
    private readonly string _fullPath;
    private readonly ConfigSection _target;
    private readonly bool _included;

    // Sections opened in this file and not yet closed, innermost last. An included file must close what it opens.
    private readonly List<ConfigSection> _open = [];

    private FluentConfReader(SourceText source, string fullPath, ConfigSection target, ConfigReadContext context, bool included)
    {
        _cursor = new ConfCursor(source);
        _context = context;
        _fullPath = fullPath;
        _target = target;
        _included = included;
    }

    private ConfigSection Current => _open.Count == 0 ? _target : _open[^1];

    /// <summary>Reads <paramref name="source"/> (the file at <paramref name="fullPath"/>) into <paramref name="target"/>.</summary>
    public static void Read(SourceText source, string fullPath, ConfigSection target, ConfigReadContext context, bool included)
    {
        using var scope = context.Enter(fullPath);
        new FluentConfReader(source, fullPath, target, context, included).ReadAll();
    }

    private void ReadAll()
    {
        if (_cursor.Current == '\uFEFF')
        {
            _cursor.Pos++;
        }

        while (true)
        {
            _cursor.SkipSpacing();
            if (_cursor.AtEnd)
            {
                ReportUnclosedAtEnd();
                return;
            }

            if (_cursor.StartsWith("</"))
            {
                ReadCloseTag();
            }
            else if (_cursor.Current == '<')
            {
                ReadOpenTag();
            }
            else
            {
                ReadStatement();
            }
        }
    }

    private void ReportUnclosedAtEnd()
    {
        var end = _cursor.Location;
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            var section = _open[i];
            var where = _included ? " (an included file must close the sections it opens)" : string.Empty;
            _context.Error(end, $"expected '</{section.Name}>' to close {Head(section)} opened at {section.Location}, found end of file{where}");
        }

        _open.Clear();
    }

    private static string Head(ConfigSection section) =>
        section.Argument.Length == 0 ? $"<{section.Name}>" : $"<{section.Name} {section.Argument}>";
}
