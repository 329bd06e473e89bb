using System.Text;
using Tailship.Events;

namespace Tailship.Text;

/// <summary>
/// Ruby-compatible <c>strptime</c> over UTF-8 bytes, as Fluentd's <c>time_format</c> uses it. The format is compiled
/// once into steps; parsing allocates nothing. Supported: <c>%Y %C %y %m %d %e %j %H %k %I %l %M %S %L %N %z %:z
/// %::z %Z %b %h %B %a %A %p %P %s %Q %u %w %U %W %G %V %T %R %r %D %x %F %X %c %v %+ %n %t %%</c>; whitespace in the
/// format matches any run of whitespace. Rules taken from Ruby: fields missing before the first given one are filled
/// from the current time (so <c>%b %d %H:%M:%S</c> gets the current year), later ones from the start of their range;
/// a time without a zone is read in the caller's default zone; the whole input must be consumed.
/// </summary>
internal sealed class Strptime
{
    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private readonly Step[] _steps;

    /// <summary>
    /// Whether a result depends on the text and the zone alone: the format gives the year (or is an epoch), so
    /// <c>now</c> fills nothing; and it has no fraction, so consecutive lines of a busy log repeat the same text for a
    /// whole second. Only then is the last result remembered.
    /// </summary>
    private readonly bool _cacheable;

    /// <summary>
    /// The format has exactly one <c>%S</c>: a text that differs from the remembered one only in those digits is the
    /// remembered time plus the difference in seconds. Within one minute (all other bytes equal) that is exact when
    /// the offset is fixed (read from the text, or a fixed default zone): the time is then linear in the seconds.
    /// </summary>
    private readonly bool _secondsShift;

    /// <summary>The last text parsed and its result; an immutable entry swapped whole, so sharing across threads is safe.</summary>
    private LastParse? _last;

    private Strptime(string format, Step[] steps, bool hasZone)
    {
        Format = format;
        _steps = steps;
        HasZone = hasZone;
        _cacheable = Array.Exists(steps, s => s.Op is Op.Year or Op.Year2 or Op.Century or Op.EpochSeconds or Op.EpochMillis)
            && !Array.Exists(steps, s => s.Op is Op.Fraction);
        _secondsShift = _cacheable && steps.Count(s => s.Op == Op.Second) == 1
            && !Array.Exists(steps, s => s.Op is Op.EpochSeconds or Op.EpochMillis);
    }

    private enum Op : byte
    {
        Literal,
        Space,
        Year,
        Century,
        Year2,
        Month,
        MonthName,
        Day,
        DayOfYear,
        Hour,
        Hour12,
        Minute,
        Second,
        Fraction,
        Zone,
        Meridian,
        DayName,
        EpochSeconds,
        EpochMillis,
        IgnoredNumber,
    }

    public string Format { get; }

    /// <summary>True when the format carries its own zone or an absolute epoch (%z, %Z, %s, %Q).</summary>
    public bool HasZone { get; }

    public static bool TryCreate(string format, out Strptime? parser, out string? error)
    {
        var steps = new List<Step>();
        if (!Compile(format, steps, out error))
        {
            parser = null;
            return false;
        }

        var hasZone = steps.Exists(s => s.Op is Op.Zone or Op.EpochSeconds or Op.EpochMillis);
        parser = new Strptime(format, [.. steps], hasZone);
        return true;
    }

    public static Strptime Create(string format) =>
        TryCreate(format, out var p, out var error) ? p! : throw new FormatException(error);

    /// <summary>
    /// Parses <paramref name="input"/>. <paramref name="defaultZone"/> applies when the text has no zone of its own;
    /// <paramref name="now"/> fills the leading fields the format lacks.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> input, TimeZoneSpec defaultZone, EventTime now, out EventTime time)
    {
        if (!_cacheable)
        {
            return TryParseText(input, defaultZone, now, out time);
        }

        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Zone, defaultZone) && input.Length == last.Text.Length)
        {
            if (input.SequenceEqual(last.Text))
            {
                time = last.Time;
                return true;
            }

            if (_secondsShift && TryShiftSeconds(input, last, out time))
            {
                return true;
            }
        }

        if (!TryParseText(input, defaultZone, now, out time, out var f))
        {
            return false;
        }

        // A shift needs a fixed offset: a named zone without an offset in the text may (in old local mean times)
        // change its offset within a minute. Second -1 turns the shift off for this entry.
        var second = f.HasOffset || defaultZone.IsFixed ? f.Second ?? -1 : -1;
        Volatile.Write(ref _last, new LastParse(input.ToArray(), defaultZone, time, f.SecondStart, f.SecondLength, second));
        return true;
    }

    /// <summary>The remembered time moved by the seconds, when <paramref name="input"/> differs from its text only there.</summary>
    private static bool TryShiftSeconds(ReadOnlySpan<byte> input, LastParse last, out EventTime time)
    {
        time = default;
        var (start, length) = (last.SecondStart, last.SecondLength);
        if (last.Second is < 0 or > 59 || length <= 0
            || !input[..start].SequenceEqual(last.Text.AsSpan(0, start))
            || !input[(start + length)..].SequenceEqual(last.Text.AsSpan(start + length)))
        {
            return false;
        }

        var second = 0;
        foreach (var b in input.Slice(start, length))
        {
            if (!IsDigit(b))
            {
                return false;
            }

            second = (second * 10) + (b - '0');
        }

        // 60 (a leap second) is left to the full parse.
        if (second > 59)
        {
            return false;
        }

        time = new EventTime(last.Time.UnixNanoseconds + ((second - last.Second) * 1_000_000_000L));
        return true;
    }

    private bool TryParseText(ReadOnlySpan<byte> input, TimeZoneSpec defaultZone, EventTime now, out EventTime time) =>
        TryParseText(input, defaultZone, now, out time, out _);

    private bool TryParseText(ReadOnlySpan<byte> input, TimeZoneSpec defaultZone, EventTime now, out EventTime time, out Fields f)
    {
        time = default;
        f = default(Fields);
        var pos = 0;
        for (var k = 0; k < _steps.Length; k++)
        {
            var step = _steps[k];
            if (!Apply(step, k, input, ref pos, ref f))
            {
                return false;
            }
        }

        return pos == input.Length && Resolve(ref f, defaultZone, now, out time);
    }

    private bool Apply(Step step, int k, ReadOnlySpan<byte> s, ref int pos, ref Fields f)
    {
        switch (step.Op)
        {
            case Op.Literal:
                if (!s[pos..].StartsWith(step.Literal))
                {
                    return false;
                }

                pos += step.Literal!.Length;
                return true;
            case Op.Space:
                while (pos < s.Length && IsSpace(s[pos]))
                {
                    pos++;
                }

                return true;
            case Op.Year:
                {
                    var negative = false;
                    if (pos < s.Length && (s[pos] == '+' || s[pos] == '-'))
                    {
                        negative = s[pos] == '-';
                        pos++;
                    }

                    var width = NextIsNumeric(k) ? 4 : 9;
                    if (!ReadNumber(s, ref pos, width, allowSpace: false, out var y))
                    {
                        return false;
                    }

                    f.Year = (int)(negative ? -y : y);
                    return true;
                }

            case Op.Century:
                if (!ReadNumber(s, ref pos, 2, false, out var c))
                {
                    return false;
                }

                f.Century = (int)c;
                return true;
            case Op.Year2:
                if (!ReadNumber(s, ref pos, 2, false, out var y2))
                {
                    return false;
                }

                f.Year2 = (int)y2;
                return true;
            case Op.Month:
                return ReadRange(s, ref pos, 2, false, 1, 12, out f.Month);
            case Op.MonthName:
                {
                    var m = ReadName(s, ref pos, MonthNames);
                    f.Month = m + 1;
                    return m >= 0;
                }

            case Op.Day:
                return ReadRange(s, ref pos, 2, true, 1, 31, out f.Day);
            case Op.DayOfYear:
                return ReadRange(s, ref pos, 3, false, 1, 366, out f.YearDay);
            case Op.Hour:
                return ReadRange(s, ref pos, 2, true, 0, 24, out f.Hour);
            case Op.Hour12:
                return ReadRange(s, ref pos, 2, true, 1, 12, out f.Hour12);
            case Op.Minute:
                return ReadRange(s, ref pos, 2, false, 0, 59, out f.Minute);
            case Op.Second:
                f.SecondStart = pos;
                var secondOk = ReadRange(s, ref pos, 2, false, 0, 60, out f.Second);
                f.SecondLength = pos - f.SecondStart;
                return secondOk;
            case Op.Fraction:
                {
                    var start = pos;
                    long nanos = 0;
                    while (pos < s.Length && IsDigit(s[pos]))
                    {
                        if (pos - start < 9)
                        {
                            nanos = (nanos * 10) + (s[pos] - '0');
                        }

                        pos++;
                    }

                    var digits = pos - start;
                    if (digits == 0)
                    {
                        return false;
                    }

                    for (var d = digits; d < 9; d++)
                    {
                        nanos *= 10;
                    }

                    f.Nanos = nanos;
                    f.HasNanos = true;
                    return true;
                }

            case Op.Zone:
                {
                    if (!TryReadZone(s[pos..], out var offset, out var used))
                    {
                        return false;
                    }

                    pos += used;
                    f.Offset = offset;
                    f.HasOffset = true;
                    return true;
                }

            case Op.Meridian:
                {
                    var rest = s[pos..];
                    if (StartsWithIgnoreCase(rest, "a.m."u8) || StartsWithIgnoreCase(rest, "p.m."u8))
                    {
                        f.Meridian = (rest[0] | 0x20) == 'p' ? 2 : 1;
                        pos += 4;
                        return true;
                    }

                    if (StartsWithIgnoreCase(rest, "am"u8) || StartsWithIgnoreCase(rest, "pm"u8))
                    {
                        f.Meridian = (rest[0] | 0x20) == 'p' ? 2 : 1;
                        pos += 2;
                        return true;
                    }

                    return false;
                }

            case Op.DayName:
                return ReadName(s, ref pos, DayNames) >= 0;
            case Op.EpochSeconds or Op.EpochMillis:
                {
                    var negative = pos < s.Length && s[pos] == '-';
                    if (negative || (pos < s.Length && s[pos] == '+'))
                    {
                        pos++;
                    }

                    if (!ReadNumber(s, ref pos, 19, false, out var e))
                    {
                        return false;
                    }

                    f.Epoch = negative ? -e : e;
                    f.EpochIsMillis = step.Op == Op.EpochMillis;
                    f.HasEpoch = true;
                    return true;
                }

            case Op.IgnoredNumber:
                return ReadNumber(s, ref pos, step.Width, true, out _);
            default:
                return false;
        }
    }

    private bool NextIsNumeric(int k) =>
        k + 1 < _steps.Length && _steps[k + 1].Op is Op.Month or Op.Day or Op.Hour or Op.Minute or Op.Second
            or Op.DayOfYear or Op.Year2 or Op.Hour12 or Op.IgnoredNumber or Op.Fraction;

    private static bool Resolve(ref Fields f, TimeZoneSpec defaultZone, EventTime now, out EventTime time)
    {
        time = default;
        if (f.HasEpoch)
        {
            var nanos = f.EpochIsMillis ? f.Epoch * 1_000_000 : (f.Epoch * 1_000_000_000) + (f.HasNanos ? f.Nanos : 0);
            time = new EventTime(nanos);
            return true;
        }

        int? year = f.Year;
        if (year is null && f.Year2 is { } y2)
        {
            year = f.Century is { } c ? (c * 100) + y2 : y2 >= 69 ? 1900 + y2 : 2000 + y2;
        }
        else if (year is null && f.Century is { } onlyCentury)
        {
            year = onlyCentury * 100;
        }

        int? hour = f.Hour;
        if (f.Hour12 is { } h12)
        {
            hour = (h12 % 12) + (f.Meridian == 2 ? 12 : 0);
        }
        else if (hour is { } h && f.Meridian != 0)
        {
            hour = (h % 12) + (f.Meridian == 2 ? 12 : 0);
        }

        if (year is null && f.YearDay is null && f.Month is null && f.Day is null && hour is null && f.Minute is null
            && f.Second is null && !f.HasNanos)
        {
            return false;
        }

        // Ruby's make_time: leading fields missing from the text come from "now" in the target zone, up to the
        // first field the text gives; the rest start at the beginning of their range.
        int? month = f.Month, day = f.Day, minute = f.Minute, second = f.Second;
        if (year is null || month is null || day is null || hour is null)
        {
            var nowLocal = f.HasOffset
                ? now.ToDateTimeOffset().ToOffset(TimeSpan.FromSeconds(f.Offset)).DateTime
                : CivilTime.From(now, defaultZone).LocalDateTime;
            if (year is null)
            {
                year = nowLocal.Year;
                if (month is null && f.YearDay is null)
                {
                    month = nowLocal.Month;
                    if (day is null)
                    {
                        day = nowLocal.Day;
                        if (hour is null)
                        {
                            hour = nowLocal.Hour;
                            if (minute is null)
                            {
                                minute = nowLocal.Minute;
                                second ??= nowLocal.Second;
                            }
                        }
                    }
                }
            }
        }

        long days;
        if (f.YearDay is { } yday && f.Month is null)
        {
            days = DaysFromCivil(year!.Value, 1, 1) + yday - 1;
        }
        else
        {
            days = DaysFromCivil(year!.Value, month ?? 1, 1) + (day ?? 1) - 1;
        }

        var local = (days * 86400) + ((hour ?? 0) * 3600L) + ((minute ?? 0) * 60L) + (second ?? 0);
        var utc = f.HasOffset ? local - f.Offset : LocalToUtc(local, defaultZone);
        time = EventTime.FromSeconds(utc, f.HasNanos ? (int)f.Nanos : 0);
        return true;
    }

    /// <summary>
    /// The instant of a wall-clock time in <paramref name="zone"/>. A time that occurs twice (clocks turned back)
    /// is the earlier instant; a time skipped by a jump forward is read with the offset from before the jump, so
    /// 02:30 on a spring-forward night in New York is 03:30 EDT, as Ruby's <c>Time.local</c> gives.
    /// </summary>
    internal static long LocalToUtc(long localSeconds, TimeZoneSpec zone)
    {
        if (zone.IsFixed)
        {
            return localSeconds - zone.GetOffsetSeconds(localSeconds);
        }

        // The candidates are the offsets in force a day before and a day after (an offset is less than a day, and
        // zones change at most once in between); a candidate is right when it holds at its own instant. Both
        // right: the clocks went back, take the earlier instant (the larger offset). Neither: a gap, read with
        // the offset from before the jump.
        var before = zone.GetOffsetSeconds(localSeconds - 86400);
        var after = zone.GetOffsetSeconds(localSeconds + 86400);
        if (before == after)
        {
            return localSeconds - before;
        }

        var high = Math.Max(before, after);
        var low = Math.Min(before, after);
        if (zone.GetOffsetSeconds(localSeconds - high) == high)
        {
            return localSeconds - high;
        }

        return zone.GetOffsetSeconds(localSeconds - low) == low ? localSeconds - low : localSeconds - before;
    }

    /// <summary>Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); months roll over.</summary>
    internal static long DaysFromCivil(long y, int m, int d)
    {
        y += (m - 1) / 12;
        m = ((m - 1) % 12) + 1;
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - (era * 400);
        var mp = (m + 9) % 12;
        var doy = ((153 * mp) + 2) / 5 + d - 1;
        var doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return (era * 146097) + doe - 719468;
    }

    /// <summary>
    /// Reads a zone as Ruby's <c>%z</c> does: <c>Z</c>, <c>UTC</c>/<c>GMT</c>/<c>UT</c> (optionally followed by an offset),
    /// <c>+hh</c>, <c>+hhmm</c>, <c>+hh:mm</c>, <c>+hh:mm:ss</c>, or a common abbreviation such as <c>EST</c> or <c>JST</c>.
    /// </summary>
    internal static bool TryReadZone(ReadOnlySpan<byte> s, out int offsetSeconds, out int used)
    {
        offsetSeconds = 0;
        used = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var i = 0;
        if (s[0] is (byte)'Z' or (byte)'z' && (s.Length == 1 || !IsLetter(s[1])))
        {
            used = 1;
            return true;
        }

        if (IsLetter(s[0]))
        {
            var end = 0;
            while (end < s.Length && IsLetter(s[end]))
            {
                end++;
            }

            if (!TryAbbreviation(s[..end], out offsetSeconds))
            {
                return false;
            }

            i = end;
            if (i >= s.Length || (s[i] != '+' && s[i] != '-'))
            {
                used = i;
                return true;
            }
        }

        if (i >= s.Length || (s[i] != '+' && s[i] != '-'))
        {
            return false;
        }

        var sign = s[i] == '-' ? -1 : 1;
        i++;
        var digitsStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }

        var digits = i - digitsStart;
        int hours, minutes = 0, seconds = 0;
        if (digits is 1 or 2)
        {
            hours = ParseInt(s.Slice(digitsStart, digits));
            if (i + 2 < s.Length && s[i] == ':' && IsDigit(s[i + 1]) && IsDigit(s[i + 2]))
            {
                minutes = ParseInt(s.Slice(i + 1, 2));
                i += 3;
                if (i + 2 < s.Length && s[i] == ':' && IsDigit(s[i + 1]) && IsDigit(s[i + 2]))
                {
                    seconds = ParseInt(s.Slice(i + 1, 2));
                    i += 3;
                }
            }
        }
        else if (digits == 4)
        {
            hours = ParseInt(s.Slice(digitsStart, 2));
            minutes = ParseInt(s.Slice(digitsStart + 2, 2));
        }
        else if (digits == 6)
        {
            hours = ParseInt(s.Slice(digitsStart, 2));
            minutes = ParseInt(s.Slice(digitsStart + 2, 2));
            seconds = ParseInt(s.Slice(digitsStart + 4, 2));
        }
        else
        {
            return false;
        }

        if (hours > 23 || minutes > 59 || seconds > 59)
        {
            return false;
        }

        offsetSeconds += sign * ((hours * 3600) + (minutes * 60) + seconds);
        used = i;
        return true;
    }

    private static bool TryAbbreviation(ReadOnlySpan<byte> name, out int offset)
    {
        Span<char> lower = stackalloc char[8];
        offset = 0;
        if (name.Length > lower.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            lower[i] = (char)(name[i] | 0x20);
        }

        var hours = lower[..name.Length] switch
        {
            "utc" or "gmt" or "ut" or "z" => 0,
            "est" => -5,
            "edt" => -4,
            "cst" => -6,
            "cdt" => -5,
            "mst" => -7,
            "mdt" => -6,
            "pst" => -8,
            "pdt" => -7,
            "jst" => 9,
            "kst" => 9,
            "cet" => 1,
            "cest" => 2,
            "eet" => 2,
            "eest" => 3,
            "wet" => 0,
            "west" => 1,
            "bst" => 1,
            "ist" => 0,
            _ => int.MinValue,
        };
        if (hours == int.MinValue)
        {
            return false;
        }

        // India Standard Time is the common meaning of IST in logs.
        offset = lower[..name.Length] is "ist" ? 19800 : hours * 3600;
        return true;
    }

    private static bool ReadRange(ReadOnlySpan<byte> s, ref int pos, int width, bool allowSpace, int min, int max, out int? value)
    {
        value = null;
        if (!ReadNumber(s, ref pos, width, allowSpace, out var n) || n < min || n > max)
        {
            return false;
        }

        value = (int)n;
        return true;
    }

    private static bool ReadNumber(ReadOnlySpan<byte> s, ref int pos, int width, bool allowSpace, out long value)
    {
        value = 0;
        if (allowSpace && pos < s.Length && s[pos] == ' ')
        {
            pos++;
            width = Math.Max(1, width - 1);
        }

        var start = pos;
        while (pos < s.Length && pos - start < width && IsDigit(s[pos]))
        {
            value = (value * 10) + (s[pos] - '0');
            pos++;
        }

        return pos > start;
    }

    private static int ReadName(ReadOnlySpan<byte> s, ref int pos, string[] names)
    {
        var rest = s[pos..];
        for (var i = 0; i < names.Length; i++)
        {
            var full = names[i];
            if (MatchesName(rest, full, full.Length))
            {
                pos += full.Length;
                return i;
            }
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (MatchesName(rest, names[i], 3))
            {
                pos += 3;
                return i;
            }
        }

        return -1;
    }

    private static bool MatchesName(ReadOnlySpan<byte> s, string name, int length)
    {
        if (s.Length < length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            if ((s[i] | 0x20) != name[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length < lower.Length)
        {
            return false;
        }

        for (var i = 0; i < lower.Length; i++)
        {
            var b = s[i];
            if (b != lower[i] && (b | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int ParseInt(ReadOnlySpan<byte> digits)
    {
        var n = 0;
        foreach (var b in digits)
        {
            n = (n * 10) + (b - '0');
        }

        return n;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r');

    private static bool Compile(string format, List<Step> steps, out string? error)
    {
        error = null;
        var literal = new StringBuilder();

        void FlushLiteral()
        {
            if (literal.Length > 0)
            {
                steps.Add(new Step(Op.Literal, Encoding.UTF8.GetBytes(literal.ToString())));
                literal.Clear();
            }
        }

        for (var i = 0; i < format.Length; i++)
        {
            var ch = format[i];
            if (char.IsWhiteSpace(ch))
            {
                FlushLiteral();
                if (steps.Count == 0 || steps[^1].Op != Op.Space)
                {
                    steps.Add(new Step(Op.Space));
                }

                continue;
            }

            if (ch != '%' || i + 1 >= format.Length)
            {
                literal.Append(ch);
                continue;
            }

            // Flags and widths (%-d, %_H, %3N, %:z) are accepted; they do not change how a value is read.
            var j = i + 1;
            while (j < format.Length && (format[j] is '-' or '_' or '0' or '^' or '#' || char.IsAsciiDigit(format[j])))
            {
                j++;
            }

            var colons = 0;
            while (j < format.Length && format[j] == ':')
            {
                colons++;
                j++;
            }

            if (j >= format.Length)
            {
                error = $"time_format '{format}' ends inside a directive";
                return false;
            }

            var d = format[j];
            i = j;
            if (colons > 0 && d != 'z')
            {
                error = $"time_format '{format}': '%{new string(':', colons)}{d}' is not a strptime directive";
                return false;
            }

            string? expansion = d switch
            {
                'T' or 'X' => "%H:%M:%S",
                'R' => "%H:%M",
                'r' => "%I:%M:%S %p",
                'D' or 'x' => "%m/%d/%y",
                'F' => "%Y-%m-%d",
                'c' => "%a %b %e %H:%M:%S %Y",
                'v' => "%e-%b-%Y",
                '+' => "%a %b %e %H:%M:%S %Z %Y",
                _ => null,
            };
            if (expansion is not null)
            {
                FlushLiteral();
                if (!Compile(expansion, steps, out error))
                {
                    return false;
                }

                continue;
            }

            if (d is '%')
            {
                literal.Append('%');
                continue;
            }

            if (d is 'n' or 't')
            {
                FlushLiteral();
                steps.Add(new Step(Op.Space));
                continue;
            }

            Op? op = d switch
            {
                'Y' => Op.Year,
                'C' => Op.Century,
                'y' => Op.Year2,
                'm' => Op.Month,
                'b' or 'h' or 'B' => Op.MonthName,
                'd' or 'e' => Op.Day,
                'j' => Op.DayOfYear,
                'H' or 'k' => Op.Hour,
                'I' or 'l' => Op.Hour12,
                'M' => Op.Minute,
                'S' => Op.Second,
                'L' or 'N' => Op.Fraction,
                'z' or 'Z' => Op.Zone,
                'p' or 'P' => Op.Meridian,
                'a' or 'A' => Op.DayName,
                's' => Op.EpochSeconds,
                'Q' => Op.EpochMillis,
                'u' or 'w' => Op.IgnoredNumber,
                'U' or 'W' or 'V' => Op.IgnoredNumber,
                'G' => Op.IgnoredNumber,
                _ => null,
            };
            if (op is null)
            {
                error = $"time_format '{format}': '%{d}' is not a strptime directive";
                return false;
            }

            FlushLiteral();
            var width = d switch
            {
                'u' or 'w' => 1,
                'G' => 4,
                _ => 2,
            };
            steps.Add(new Step(op.Value) { Width = width });
        }

        FlushLiteral();
        return true;
    }

    private readonly record struct Step(Op Op, byte[]? Literal = null)
    {
        public int Width { get; init; }
    }

    private struct Fields
    {
        public int? Year;
        public int? Century;
        public int? Year2;
        public int? Month;
        public int? Day;
        public int? YearDay;
        public int? Hour;
        public int? Hour12;
        public int? Minute;
        public int? Second;
        public long Nanos;
        public bool HasNanos;
        public int Offset;
        public int SecondStart;
        public int SecondLength;
        public bool HasOffset;
        public int Meridian;
        public long Epoch;
        public bool EpochIsMillis;
        public bool HasEpoch;
    }

    private sealed record LastParse(byte[] Text, TimeZoneSpec Zone, EventTime Time, int SecondStart, int SecondLength, int Second);
}
