using System.Text;
using System.Text.RegularExpressions;
using Tailship.Events;

namespace Tailship.Parsers;

/// <summary>
/// Runs a regex (compiled by <see cref="RubyRegex"/>) over UTF-8 bytes and turns its named groups into record fields
/// that point into one copy of the line, so invalid UTF-8 survives untouched. The subject string is the bytes as
/// Latin-1, one char per byte, which makes char offsets byte offsets. Group names are read once, in pattern order.
/// A match that runs past the parser's <c>timeout</c> counts as no match (Fluentd also gives up on the line). A built-in
/// pattern may come with a <see cref="CombinedLogScanner"/> that reads the usual lines without the regex and gives the
/// same groups; the regex reads the lines it declines.
/// </summary>
internal sealed class ByteMatcher
{
    private readonly Regex _regex;
    private readonly int[] _groupNumbers;
    private readonly string[] _groupNames;
    private readonly CombinedLogScanner? _scanner;

    public ByteMatcher(Regex regex, CombinedLogScanner? scanner = null)
    {
        _regex = regex;
        _scanner = scanner;
        var names = new List<string>();
        var numbers = new List<int>();
        foreach (var number in regex.GetGroupNumbers())
        {
            var name = regex.GroupNameFromNumber(number);
            if (number == 0 || int.TryParse(name, out _))
            {
                continue;
            }

            names.Add(name);
            numbers.Add(number);
        }

        _groupNames = [.. names];
        _groupNumbers = [.. numbers];
        if (scanner is not null && !scanner.GroupNames.SequenceEqual(_groupNames))
        {
            throw new ArgumentException("the scanner's groups are not the regex's", nameof(scanner));
        }
    }

    public Regex Regex => _regex;

    public IReadOnlyList<string> GroupNames => _groupNames;

    /// <summary>True when the pattern has at least one named group (Fluentd requires one for regexp parsers).</summary>
    public bool HasNamedGroups => _groupNames.Length > 0;

    public static string ToSubject(ReadOnlySpan<byte> text) => Encoding.Latin1.GetString(text);

    public bool IsMatch(ReadOnlySpan<byte> text)
    {
        if (_scanner is not null && _scanner.TryScan(text, stackalloc (int, int)[_groupNames.Length]))
        {
            return true;
        }

        // Short lines are widened on the stack; the regex needs chars.
        if (text.Length <= 512)
        {
            Span<char> chars = stackalloc char[text.Length];
            Encoding.Latin1.GetChars(text, chars);
            try
            {
                return _regex.IsMatch(chars);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        return Run(ToSubject(text)) is not null;
    }

    /// <summary>
    /// Matches and appends every named group that took part in the match, in pattern order, as byte slices of
    /// <paramref name="line"/> (which the caller owns and does not change afterwards). Returns false on no match.
    /// </summary>
    public bool TryMatch(byte[] line, int length, Record record)
    {
        if (_scanner is not null)
        {
            Span<(int Start, int Length)> groups = stackalloc (int, int)[_groupNames.Length];
            if (_scanner.TryScan(line.AsSpan(0, length), groups))
            {
                for (var i = 0; i < groups.Length; i++)
                {
                    if (groups[i].Start >= 0)
                    {
                        record.Set(_groupNames[i], RecordValue.FromUtf8(line, groups[i].Start, groups[i].Length));
                    }
                }

                return true;
            }
        }

        var match = Run(ToSubject(line.AsSpan(0, length)));
        if (match is null)
        {
            return false;
        }

        for (var i = 0; i < _groupNumbers.Length; i++)
        {
            var group = match.Groups[_groupNumbers[i]];
            if (group.Success)
            {
                record.Set(_groupNames[i], RecordValue.FromUtf8(line, group.Index, group.Length));
            }
        }

        return true;
    }

    /// <summary>Matches and reports each named group's byte range (start, length), or (-1, 0) when it did not take part.</summary>
    public bool TryMatch(ReadOnlySpan<byte> line, Span<(int Start, int Length)> groups)
    {
        if (_scanner is not null && groups.Length >= _groupNames.Length && _scanner.TryScan(line, groups))
        {
            return true;
        }

        var match = Run(ToSubject(line));
        if (match is null)
        {
            return false;
        }

        for (var i = 0; i < _groupNumbers.Length && i < groups.Length; i++)
        {
            var group = match.Groups[_groupNumbers[i]];
            groups[i] = group.Success ? (group.Index, group.Length) : (-1, 0);
        }

        return true;
    }

    public int IndexOf(string name) => Array.IndexOf(_groupNames, name);

    private Match? Run(string subject)
    {
        try
        {
            var match = _regex.Match(subject);
            return match.Success ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            // The caller reports the line as not parsed; the timeout bounds a pathological pattern's cost.
            return null;
        }
    }
}
