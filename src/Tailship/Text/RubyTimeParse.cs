using Tailship.Events;

namespace Tailship.Text;

/// <summary>
/// Time parsing without an explicit strptime format: <c>%iso8601</c> (Ruby's <c>Time.iso8601</c>) and the common
/// layouts Ruby's lenient <c>Time.parse</c> accepts, used when a parser has no <c>time_format</c>.
/// Ruby's <c>Time.parse</c> understands almost any date-like text; Tailship accepts ISO 8601 with a space or
/// <c>T</c>, RFC 2822, <c>ctime</c>, syslog and Apache layouts, and refuses the rest rather than guessing.
/// </summary>
internal static class RubyTimeParse
{
    private static readonly Strptime[] Layouts =
    [
        Strptime.Create("%a, %d %b %Y %H:%M:%S %z"),
        Strptime.Create("%a, %d %b %Y %H:%M:%S"),
        Strptime.Create("%d %b %Y %H:%M:%S %z"),
        Strptime.Create("%d %b %Y %H:%M:%S"),
        Strptime.Create("%a %b %d %H:%M:%S %Y"),
        Strptime.Create("%a %b %d %H:%M:%S %Z %Y"),
        Strptime.Create("%a %b %d %H:%M:%S %z %Y"),
        Strptime.Create("%b %d %H:%M:%S"),
        Strptime.Create("%b %d %Y %H:%M:%S"),
        Strptime.Create("%b %d %H:%M:%S %Y"),
        Strptime.Create("%b %d %H:%M:%S.%N %Y"),
        Strptime.Create("%d/%b/%Y:%H:%M:%S %z"),
        Strptime.Create("%d/%b/%Y:%H:%M:%S"),
        Strptime.Create("%Y/%m/%d %H:%M:%S %z"),
        Strptime.Create("%Y/%m/%d %H:%M:%S"),
        Strptime.Create("%Y/%m/%d %H:%M:%S.%N"),
        Strptime.Create("%Y/%m/%d"),
    ];

    /// <summary>Ruby's <c>Time.iso8601</c>: <c>YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)</c>; no zone means the default zone.</summary>
    public static bool TryParseIso8601(ReadOnlySpan<byte> s, TimeZoneSpec defaultZone, out EventTime time) =>
        TryIso(s, defaultZone, requireT: true, out time);

    /// <summary>Ruby's <c>Time.parse</c> for the layouts logs use.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, TimeZoneSpec defaultZone, EventTime now, out EventTime time)
    {
        var trimmed = s.Trim(" \t"u8);
        if (TryIso(trimmed, defaultZone, requireT: false, out time))
        {
            return true;
        }

        foreach (var layout in Layouts)
        {
            if (layout.TryParse(trimmed, defaultZone, now, out time))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryIso(ReadOnlySpan<byte> s, TimeZoneSpec defaultZone, bool requireT, out EventTime time)
    {
        time = default;
        var i = 0;
        if (!Digits(s, ref i, 4, out var year) || !Expect(s, ref i, '-') || !Digits(s, ref i, 2, out var month)
            || !Expect(s, ref i, '-') || !Digits(s, ref i, 2, out var day))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0, nanos = 0;
        int? offset = null;
        if (i < s.Length)
        {
            if (s[i] == 'T' || s[i] == 't' || (!requireT && s[i] == ' '))
            {
                i++;
            }
            else
            {
                return false;
            }

            if (!Digits(s, ref i, 2, out hour) || !Expect(s, ref i, ':') || !Digits(s, ref i, 2, out minute))
            {
                return false;
            }

            if (i < s.Length && s[i] == ':')
            {
                i++;
                if (!Digits(s, ref i, 2, out second))
                {
                    return false;
                }

                if (i < s.Length && (s[i] == '.' || s[i] == ','))
                {
                    i++;
                    var start = i;
                    while (i < s.Length && (uint)(s[i] - '0') <= 9)
                    {
                        if (i - start < 9)
                        {
                            nanos = (nanos * 10) + (s[i] - '0');
                        }

                        i++;
                    }

                    if (i == start)
                    {
                        return false;
                    }

                    for (var d = i - start; d < 9; d++)
                    {
                        nanos *= 10;
                    }
                }
            }

            if (!requireT)
            {
                while (i < s.Length && s[i] == ' ')
                {
                    i++;
                }
            }

            if (i < s.Length)
            {
                if (!Strptime.TryReadZone(s[i..], out var zone, out var used))
                {
                    return false;
                }

                offset = zone;
                i += used;
            }
        }
        else if (requireT)
        {
            return false;
        }

        if (i != s.Length || month is < 1 or > 12 || day is < 1 or > 31 || hour > 24 || minute > 59 || second > 60)
        {
            return false;
        }

        var local = (Strptime.DaysFromCivil(year, month, day) * 86400) + (hour * 3600L) + (minute * 60L) + second;
        time = EventTime.FromSeconds(offset is { } off ? local - off : Strptime.LocalToUtc(local, defaultZone), nanos);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, ref int i, int count, out int value)
    {
        value = 0;
        if (i + count > s.Length)
        {
            return false;
        }

        for (var k = 0; k < count; k++)
        {
            var d = s[i + k] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        i += count;
        return true;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int i, char c)
    {
        if (i < s.Length && s[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }
}
