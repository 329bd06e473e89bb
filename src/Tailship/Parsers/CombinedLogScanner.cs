using System.Buffers;

namespace Tailship.Parsers;

/// <summary>
/// A byte scanner for the usual combined access-log line, giving exactly the groups Fluentd's <c>apache2</c> or
/// <c>nginx</c> regexp gives, several times faster than the regex. It accepts only lines whose match it can decide
/// without backtracking and says <c>false</c> for anything else, which <see cref="ByteMatcher"/> then hands to the
/// regex (so a line it declines still parses, or fails, exactly as before). Declined: a line with a LF; a TAB, VT, FF
/// or CR in the request (<c>"..."</c>, where <c>\S</c> decides); for apache2, whose quoted parts allow <c>\"</c>, a
/// backslash inside a quoted part; a request without a space after the method; any other layout the regex would have
/// to backtrack over.
/// </summary>
/// <remarks>
/// Why an accepted line has one answer. The patterns are
/// <c>^F1 F2 F3 \[TIME\] "METHOD( +PATH( +\S*)?)?" CODE SIZE( "REFERER" "AGENT"(\s+XFF)?)?$</c> (apache2 has no XFF; its
/// F2 is not captured). With no LF, <c>^</c> is position 0 and <c>$</c> the end. <c>[^ ]*</c> followed by a space, and
/// <c>[^\]]*</c> followed by <c>]</c>, can end only at the first such byte, whatever else the field holds. With no
/// backslash escapes in play, a quoted part cannot contain a quote, so the request ends at the first quote after
/// <c>[TIME] "</c>. METHOD (<c>\S+</c>, greedy) ends at the request's first space; the spaces after it all go to
/// <c> +</c>; the lazy PATH then stops at the first point where the rest of the request is <c> +\S*</c>, that is before
/// the request's last run of spaces (or takes the whole rest when it has no space). When the text after the request
/// is then exactly <c> CODE SIZE</c>, or <c> CODE SIZE "REFERER" "AGENT"</c>, or (nginx) that followed by spaces and a
/// run of non-white bytes, up to the end, the regex's first success is this one; when it is not, the scanner declines
/// rather than reason about the regex's backtracking.
/// </remarks>
internal sealed class CombinedLogScanner
{
    /// <summary>Fluentd's apache2 groups: host, user, time, method, path, code, size, referer, agent.</summary>
    public static readonly CombinedLogScanner Apache2 = new(
        ["host", "user", "time", "method", "path", "code", "size", "referer", "agent"],
        leading: [0, -1, 1],
        backslashEscapes: true,
        forwardedFor: false);

    /// <summary>Fluentd's nginx groups: remote, host, user, time, ..., agent, http_x_forwarded_for.</summary>
    public static readonly CombinedLogScanner Nginx = new(
        ["remote", "host", "user", "time", "method", "path", "code", "size", "referer", "agent", "http_x_forwarded_for"],
        leading: [0, 1, 2],
        backslashEscapes: false,
        forwardedFor: true);

    private static readonly SearchValues<byte> ControlInRequest = SearchValues.Create("\t\v\f\r"u8);
    private static readonly SearchValues<byte> ControlOrBackslashInRequest = SearchValues.Create("\t\v\f\r\\"u8);
    private static readonly SearchValues<byte> White = SearchValues.Create(" \t\n\v\f\r"u8);

    private readonly int[] _leading;
    private readonly int _time;
    private readonly bool _backslashEscapes;
    private readonly bool _forwardedFor;

    private CombinedLogScanner(string[] groupNames, int[] leading, bool backslashEscapes, bool forwardedFor)
    {
        GroupNames = groupNames;
        _leading = leading;
        _time = leading.Max() + 1;
        _backslashEscapes = backslashEscapes;
        _forwardedFor = forwardedFor;
    }

    /// <summary>The regex's named groups, in pattern order: <see cref="TryScan"/> fills <c>groups</c> in this order.</summary>
    public IReadOnlyList<string> GroupNames { get; }

    private int Method => _time + 1;

    private int Path => _time + 2;

    private int Code => _time + 3;

    private int Size => _time + 4;

    private int Referer => _time + 5;

    private int Agent => _time + 6;

    private int ForwardedFor => _time + 7;

    /// <summary>
    /// Fills <paramref name="groups"/> (one per group name) with each group's (start, length), or (-1, 0) when it did
    /// not take part; false when the line is not of the shape the scanner decides (the caller then runs the regex).
    /// </summary>
    public bool TryScan(ReadOnlySpan<byte> line, Span<(int Start, int Length)> groups)
    {
        // With a LF, ^ and $ could match inside the line.
        if (groups.Length < GroupNames.Count || line.Contains((byte)'\n'))
        {
            return false;
        }

        // The three leading fields, each up to the next space.
        var pos = 0;
        foreach (var index in _leading)
        {
            if (!TakeUntilSpace(line, ref pos, out var field))
            {
                return false;
            }

            if (index >= 0)
            {
                groups[index] = field;
            }
        }

        // [TIME] "
        if (pos >= line.Length || line[pos] != '[')
        {
            return false;
        }

        var close = line[(pos + 1)..].IndexOf((byte)']');
        if (close < 0)
        {
            return false;
        }

        groups[_time] = (pos + 1, close);
        pos += close + 2;
        if (!line[pos..].StartsWith(" \""u8))
        {
            return false;
        }

        pos += 2;

        // The request: METHOD, spaces, PATH, then optionally spaces and the protocol, up to the first quote.
        var requestLength = line[pos..].IndexOf((byte)'"');
        if (requestLength < 0)
        {
            return false;
        }

        var request = line.Slice(pos, requestLength);
        var methodLength = request.IndexOf((byte)' ');
        if (methodLength <= 0 || request.ContainsAny(_backslashEscapes ? ControlOrBackslashInRequest : ControlInRequest))
        {
            return false;
        }

        groups[Method] = (pos, methodLength);
        var rest = request[methodLength..];
        var spaces = rest.IndexOfAnyExcept((byte)' ');
        spaces = spaces < 0 ? rest.Length : spaces;
        var q = rest[spaces..];
        var pathLength = q.Length;
        var lastSpace = q.LastIndexOf((byte)' ');
        if (lastSpace >= 0)
        {
            pathLength = lastSpace;
            while (pathLength > 0 && q[pathLength - 1] == ' ')
            {
                pathLength--;
            }
        }

        groups[Path] = (pos + methodLength + spaces, pathLength);
        pos += requestLength + 1;

        // " CODE SIZE" and, optionally, " \"REFERER\" \"AGENT\"" (and for nginx " XFF") to the end.
        if (pos >= line.Length || line[pos] != ' ')
        {
            return false;
        }

        pos++;
        if (!TakeUntilSpace(line, ref pos, out groups[Code]))
        {
            return false;
        }

        var sizeLength = line[pos..].IndexOf((byte)' ');
        if (sizeLength < 0)
        {
            groups[Size] = (pos, line.Length - pos);
            ClearFrom(groups, Referer);
            return true;
        }

        groups[Size] = (pos, sizeLength);
        pos += sizeLength + 1;
        if (!TakeQuoted(line, ref pos, out groups[Referer]) || pos >= line.Length || line[pos] != ' ')
        {
            return false;
        }

        pos++;
        if (!TakeQuoted(line, ref pos, out groups[Agent]))
        {
            return false;
        }

        if (pos == line.Length)
        {
            ClearFrom(groups, ForwardedFor);
            return true;
        }

        // nginx: \s+ then [^ ]+ to the end; taken only as spaces then a run with no white byte at all.
        if (!_forwardedFor || line[pos] != ' ')
        {
            return false;
        }

        var start = pos + line[pos..].IndexOfAnyExcept((byte)' ');
        if (start < pos || line[start..].ContainsAny(White))
        {
            return false;
        }

        groups[ForwardedFor] = (start, line.Length - start);
        return true;
    }

    /// <summary>The bytes up to the next space (which must exist); <paramref name="pos"/> moves past the space.</summary>
    private static bool TakeUntilSpace(ReadOnlySpan<byte> line, ref int pos, out (int Start, int Length) group)
    {
        var length = line[pos..].IndexOf((byte)' ');
        group = (pos, length);
        if (length < 0)
        {
            return false;
        }

        pos += length + 1;
        return true;
    }

    private void ClearFrom(Span<(int Start, int Length)> groups, int first)
    {
        for (var i = first; i < GroupNames.Count; i++)
        {
            groups[i] = (-1, 0);
        }
    }

    /// <summary><c>"TEXT"</c> at <paramref name="pos"/> with no quote (nor, for apache2, backslash) inside; moves past it.</summary>
    private bool TakeQuoted(ReadOnlySpan<byte> line, ref int pos, out (int Start, int Length) group)
    {
        group = (-1, 0);
        if (pos >= line.Length || line[pos] != '"')
        {
            return false;
        }

        var length = line[(pos + 1)..].IndexOf((byte)'"');
        if (length < 0 || (_backslashEscapes && line.Slice(pos + 1, length).Contains((byte)'\\')))
        {
            return false;
        }

        group = (pos + 1, length);
        pos += length + 2;
        return true;
    }
}
