using System.Buffers;

namespace Tailship.Parsers.Apache2;

/// <summary>
/// A byte scanner for the usual Apache combined line, giving exactly the groups Fluentd's apache2 regexp gives, about
/// ten times faster than the regex. It accepts only lines whose match it can decide without backtracking and says
/// <c>false</c> for anything else, which the caller then hands to the regex (so a line it declines still parses, or
/// fails, exactly as before). Declined: a line with a LF; a backslash in a quoted part; a TAB, VT, FF or CR in the
/// request (<c>"..."</c>, where <c>\S</c> decides); a request without a space after the method; any layout the regex
/// would have to backtrack over.
/// </summary>
/// <remarks>
/// Why the accepted shape has one answer. The pattern is
/// <c>^HOST IDENT USER \[TIME\] "METHOD( +PATH( +\S*)?)?" CODE SIZE( "REFERER" "AGENT")?$</c>. With no LF, <c>^</c> is
/// position 0 and <c>$</c> the end. <c>[^ ]*</c> followed by a space, and <c>[^\]]*</c> followed by <c>]</c>, can end only
/// at the first such byte (whatever else the field holds). Without backslashes the quoted parts cannot contain a quote, so the request ends at the first
/// quote after <c>[TIME] "</c>. METHOD (<c>\S+</c>, greedy) ends at the request's first space; the spaces after it all go
/// to <c> +</c>; the lazy PATH then stops at the first point where the rest of the request is <c> +\S*</c>, that is before
/// the request's last run of spaces (or takes the whole rest when it has no space). When the text after the request is
/// then exactly <c> CODE SIZE</c> or <c> CODE SIZE "REFERER" "AGENT"</c> up to the end, the regex's first success is this
/// one; when it is not, the scanner declines rather than reason about the regex's backtracking.
/// </remarks>
internal static class Apache2Scanner
{
    /// <summary>The regex's named groups, in pattern order: <see cref="TryScan"/> fills <c>groups</c> in this order.</summary>
    public static readonly string[] GroupNames = ["host", "user", "time", "method", "path", "code", "size", "referer", "agent"];

    public const int Host = 0;
    public const int User = 1;
    public const int Time = 2;
    public const int Method = 3;
    public const int Path = 4;
    public const int Code = 5;
    public const int Size = 6;
    public const int Referer = 7;
    public const int Agent = 8;

    /// <summary>Bytes that make the request's <c>\S</c> and <c>\\.</c> choices ambiguous (LF is checked on the whole line).</summary>
    private static readonly SearchValues<byte> RequestDeclined = SearchValues.Create("\t\v\f\r\\"u8);

    /// <summary>
    /// Fills <paramref name="groups"/> (at least 9) with each group's (start, length), or (-1, 0) when it did not take
    /// part; false when the line is not of the shape the scanner decides (the caller then runs the regex).
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> line, Span<(int Start, int Length)> groups)
    {
        // With a LF, ^ and $ could match inside the line.
        if (line.Contains((byte)'\n'))
        {
            return false;
        }

        // HOST IDENT USER, each up to the next space.
        var pos = 0;
        if (!TakeUntilSpace(line, ref pos, out groups[Host]) || !TakeUntilSpace(line, ref pos, out _) || !TakeUntilSpace(line, ref pos, out groups[User]))
        {
            return false;
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

        groups[Time] = (pos + 1, close);
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
        if (methodLength <= 0 || request.ContainsAny(RequestDeclined))
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

        // " CODE SIZE" and, optionally, " \"REFERER\" \"AGENT\"" to the end.
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
            groups[Referer] = (-1, 0);
            groups[Agent] = (-1, 0);
            return true;
        }

        groups[Size] = (pos, sizeLength);
        pos += sizeLength + 1;
        if (!TakeQuoted(line, ref pos, out groups[Referer]) || pos >= line.Length || line[pos] != ' ')
        {
            return false;
        }

        pos++;
        return TakeQuoted(line, ref pos, out groups[Agent]) && pos == line.Length;
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

    /// <summary><c>"TEXT"</c> at <paramref name="pos"/> with no quote or backslash inside; <paramref name="pos"/> moves past it.</summary>
    private static bool TakeQuoted(ReadOnlySpan<byte> line, ref int pos, out (int Start, int Length) group)
    {
        group = (-1, 0);
        if (pos >= line.Length || line[pos] != '"')
        {
            return false;
        }

        var length = line[(pos + 1)..].IndexOf((byte)'"');
        if (length < 0 || line.Slice(pos + 1, length).Contains((byte)'\\'))
        {
            return false;
        }

        group = (pos + 1, length);
        pos += length + 2;
        return true;
    }
}
