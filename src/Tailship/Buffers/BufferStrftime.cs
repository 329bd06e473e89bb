using System.Globalization;
using System.Text;

namespace Tailship.Buffers;

/// <summary>
/// The strftime subset buffer placeholders and time slices need, rendered in a zone: %Y %y %m %d %e %H %I %M %S
/// %p %j %s %z %Z %a %A %b %B %F %T %%, and %L / %N (always zero: a slice starts on a whole second). Fields it does
/// not know are copied unchanged, as Ruby does.
/// </summary>
internal static class BufferStrftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(string format, long unixSeconds, TimeZoneInfo zone)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        var t = TimeZoneInfo.ConvertTime(utc, zone);
        var sb = new StringBuilder(format.Length + 16);
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }

            var f = format[++i];
            var ci = CultureInfo.InvariantCulture;
            _ = f switch
            {
                'Y' => sb.Append(t.Year.ToString("D4", ci)),
                'y' => sb.Append((t.Year % 100).ToString("D2", ci)),
                'm' => sb.Append(t.Month.ToString("D2", ci)),
                'd' => sb.Append(t.Day.ToString("D2", ci)),
                'e' => sb.Append(t.Day.ToString(ci).PadLeft(2)),
                'H' => sb.Append(t.Hour.ToString("D2", ci)),
                'I' => sb.Append((((t.Hour + 11) % 12) + 1).ToString("D2", ci)),
                'M' => sb.Append(t.Minute.ToString("D2", ci)),
                'S' => sb.Append(t.Second.ToString("D2", ci)),
                'p' => sb.Append(t.Hour < 12 ? "AM" : "PM"),
                'j' => sb.Append(t.DayOfYear.ToString("D3", ci)),
                's' => sb.Append(unixSeconds.ToString(ci)),
                'L' => sb.Append("000"),
                'N' => sb.Append("000000000"),
                'z' => AppendOffset(sb, t.Offset),
                'Z' => sb.Append(zone == TimeZoneInfo.Utc ? "UTC" : zone.IsDaylightSavingTime(t) ? zone.DaylightName : zone.StandardName),
                'a' => sb.Append(Days[(int)t.DayOfWeek].AsSpan(0, 3)),
                'A' => sb.Append(Days[(int)t.DayOfWeek]),
                'b' => sb.Append(Months[t.Month - 1].AsSpan(0, 3)),
                'B' => sb.Append(Months[t.Month - 1]),
                'F' => sb.Append(CultureInfo.InvariantCulture, $"{t.Year:D4}-{t.Month:D2}-{t.Day:D2}"),
                'T' => sb.Append(CultureInfo.InvariantCulture, $"{t.Hour:D2}:{t.Minute:D2}:{t.Second:D2}"),
                '%' => sb.Append('%'),
                _ => sb.Append('%').Append(f),
            };
        }

        return sb.ToString();
    }

    /// <summary>Start of the time slice holding <paramref name="unixSeconds"/>: slices are cut in <paramref name="zone"/>'s local time.</summary>
    public static long SliceStart(long unixSeconds, long timekeySeconds, TimeZoneInfo zone)
    {
        var offset = (long)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).TotalSeconds;
        return unixSeconds - (((unixSeconds + offset) % timekeySeconds) + timekeySeconds) % timekeySeconds;
    }

    private static StringBuilder AppendOffset(StringBuilder sb, TimeSpan offset)
    {
        sb.Append(offset < TimeSpan.Zero ? '-' : '+');
        var abs = offset.Duration();
        return sb.Append(CultureInfo.InvariantCulture, $"{abs.Hours:D2}{abs.Minutes:D2}");
    }
}
