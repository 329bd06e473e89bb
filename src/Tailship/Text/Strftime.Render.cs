using System.Buffers.Text;
using System.Globalization;

namespace Tailship.Text;

/// <summary>The rendering of single directives, on bytes.</summary>
internal sealed partial class Strftime
{
    private static readonly byte[][] DayNames = Names("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday");
    private static readonly byte[][] DayAbbreviations = Names("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat");
    private static readonly byte[][] MonthNames = Names("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December");
    private static readonly byte[][] MonthAbbreviations = Names("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    private static byte[][] Names(params string[] names) => [.. names.Select(n => System.Text.Encoding.ASCII.GetBytes(n))];

    private static void WriteDirective(ref SpanWriter w, in Segment s, in CivilTime t)
    {
        switch ((char)s.Directive)
        {
            case 'Y':
                Number(ref w, s, t.Year, 4, (byte)'0');
                break;
            case 'C':
                Number(ref w, s, FloorDiv(t.Year, 100), 2, (byte)'0');
                break;
            case 'y':
                Number(ref w, s, ((t.Year % 100) + 100) % 100, 2, (byte)'0');
                break;
            case 'm':
                Number(ref w, s, t.Month, 2, (byte)'0');
                break;
            case 'd':
                Number(ref w, s, t.Day, 2, (byte)'0');
                break;
            case 'e':
                Number(ref w, s, t.Day, 2, (byte)' ');
                break;
            case 'j':
                Number(ref w, s, t.DayOfYear, 3, (byte)'0');
                break;
            case 'H':
                Number(ref w, s, t.Hour, 2, (byte)'0');
                break;
            case 'k':
                Number(ref w, s, t.Hour, 2, (byte)' ');
                break;
            case 'I':
                Number(ref w, s, Hour12(t.Hour), 2, (byte)'0');
                break;
            case 'l':
                Number(ref w, s, Hour12(t.Hour), 2, (byte)' ');
                break;
            case 'M':
                Number(ref w, s, t.Minute, 2, (byte)'0');
                break;
            case 'S':
                Number(ref w, s, t.Second, 2, (byte)'0');
                break;
            case 'L':
                Fraction(ref w, t.Nanosecond, s.Width < 0 ? 3 : s.Width);
                break;
            case 'N':
                Fraction(ref w, t.Nanosecond, s.Width < 0 ? 9 : s.Width);
                break;
            case 'z':
                Offset(ref w, t.OffsetSeconds, s.Colons);
                break;
            case 'Z':
                Text(ref w, s, System.Text.Encoding.ASCII.GetBytes(t.ZoneAbbreviation));
                break;
            case 'a':
                Text(ref w, s, DayAbbreviations[(int)t.DayOfWeek]);
                break;
            case 'A':
                Text(ref w, s, DayNames[(int)t.DayOfWeek]);
                break;
            case 'b' or 'h':
                Text(ref w, s, MonthAbbreviations[t.Month - 1]);
                break;
            case 'B':
                Text(ref w, s, MonthNames[t.Month - 1]);
                break;
            case 'p':
                // Ruby: %p is AM/PM, and the change-case flag makes it lower case.
                Text(ref w, s with { Flags = (s.Flags & Flags.ChangeCase) != 0 ? Flags.None : s.Flags }, (s.Flags & Flags.ChangeCase) != 0 ? (t.Hour < 12 ? "am"u8 : "pm"u8) : (t.Hour < 12 ? "AM"u8 : "PM"u8));
                break;
            case 'P':
                Text(ref w, s, t.Hour < 12 ? "am"u8 : "pm"u8);
                break;
            case 'u':
                Number(ref w, s, t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek, 1, (byte)'0');
                break;
            case 'w':
                Number(ref w, s, (int)t.DayOfWeek, 1, (byte)'0');
                break;
            case 'U':
                Number(ref w, s, (t.DayOfYear - 1 + 7 - (int)t.DayOfWeek) / 7, 2, (byte)'0');
                break;
            case 'W':
                Number(ref w, s, (t.DayOfYear - 1 + 7 - (((int)t.DayOfWeek + 6) % 7)) / 7, 2, (byte)'0');
                break;
            case 'V':
                Number(ref w, s, ISOWeek.GetWeekOfYear(t.LocalDateTime), 2, (byte)'0');
                break;
            case 'G':
                Number(ref w, s, ISOWeek.GetYear(t.LocalDateTime), 4, (byte)'0');
                break;
            case 'g':
                Number(ref w, s, ISOWeek.GetYear(t.LocalDateTime) % 100, 2, (byte)'0');
                break;
            case 's':
                Number(ref w, s, t.UnixSeconds, 1, (byte)'0');
                break;
        }
    }

    private static int Hour12(int hour) => hour % 12 == 0 ? 12 : hour % 12;

    private static int FloorDiv(int a, int b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static void Number(ref SpanWriter w, in Segment s, long value, int defaultWidth, byte defaultPad)
    {
        var pad = (s.Flags & Flags.NoPad) != 0 ? (byte)0
            : (s.Flags & Flags.Space) != 0 ? (byte)' '
            : (s.Flags & Flags.Zero) != 0 ? (byte)'0'
            : defaultPad;
        var width = pad == 0 ? 0 : s.Width >= 0 ? s.Width : defaultWidth;
        Span<byte> digits = stackalloc byte[24];
        var negative = value < 0;
        Utf8Formatter.TryFormat(negative ? (ulong)-value : (ulong)value, digits, out var n);
        var length = n + (negative ? 1 : 0);
        if (negative && pad == (byte)'0')
        {
            w.Write((byte)'-');
            w.Pad((byte)'0', width - length);
        }
        else
        {
            w.Pad(pad, width - length);
            if (negative)
            {
                w.Write((byte)'-');
            }
        }

        w.Write(digits[..n]);
    }

    /// <summary>The first <paramref name="digits"/> digits of the fraction, truncated (not rounded), zeros past nanoseconds.</summary>
    private static void Fraction(ref SpanWriter w, int nanoseconds, int digits)
    {
        Span<byte> nine = stackalloc byte[9];
        Utf8Formatter.TryFormat(nanoseconds, nine, out _, new System.Buffers.StandardFormat('D', 9));
        w.Write(nine[..Math.Min(digits, 9)]);
        w.Pad((byte)'0', digits - 9);
    }

    private static void Offset(ref SpanWriter w, int offsetSeconds, int colons)
    {
        var abs = Math.Abs(offsetSeconds);
        w.Write(offsetSeconds < 0 ? (byte)'-' : (byte)'+');
        Two(ref w, abs / 3600);
        if (colons > 0)
        {
            w.Write((byte)':');
        }

        Two(ref w, abs / 60 % 60);
        if (colons > 1)
        {
            w.Write((byte)':');
            Two(ref w, abs % 60);
        }
    }

    private static void Two(ref SpanWriter w, int value)
    {
        w.Write((byte)('0' + (value / 10 % 10)));
        w.Write((byte)('0' + (value % 10)));
    }

    private static void Text(ref SpanWriter w, in Segment s, ReadOnlySpan<byte> text)
    {
        var pad = (s.Flags & Flags.Zero) != 0 ? (byte)'0' : (byte)' ';
        if ((s.Flags & Flags.NoPad) == 0)
        {
            w.Pad(pad, s.Width - text.Length);
        }

        var upper = (s.Flags & (Flags.Upper | Flags.ChangeCase)) != 0;
        foreach (var b in text)
        {
            w.Write(upper && b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b);
        }
    }
}
