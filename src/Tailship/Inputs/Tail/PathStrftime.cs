using System.Globalization;
using System.Text;

namespace Tailship.Inputs.Tail;

/// <summary>
/// The strftime directives a path can hold (<c>/var/log/%Y/%m/%d/app.log</c>), expanded in the path's time zone.
/// Unknown directives are kept as written, so a literal <c>%</c> that is not a directive survives.
/// </summary>
internal static class PathStrftime
{
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
    private static readonly string[] Days = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedDayNames;

    public static bool HasDirectives(string path) => path.Contains('%', StringComparison.Ordinal);

    public static string Format(string path, DateTimeOffset time)
    {
        var sb = new StringBuilder(path.Length + 8);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '%' || i + 1 == path.Length)
            {
                sb.Append(path[i]);
                continue;
            }

            var d = path[++i];
            var inv = CultureInfo.InvariantCulture;
            _ = d switch
            {
                'Y' => sb.Append(time.Year.ToString("D4", inv)),
                'y' => sb.Append((time.Year % 100).ToString("D2", inv)),
                'C' => sb.Append((time.Year / 100).ToString("D2", inv)),
                'm' => sb.Append(time.Month.ToString("D2", inv)),
                'd' => sb.Append(time.Day.ToString("D2", inv)),
                'e' => sb.Append(time.Day.ToString(inv).PadLeft(2)),
                'j' => sb.Append(time.DayOfYear.ToString("D3", inv)),
                'H' => sb.Append(time.Hour.ToString("D2", inv)),
                'I' => sb.Append((((time.Hour + 11) % 12) + 1).ToString("D2", inv)),
                'M' => sb.Append(time.Minute.ToString("D2", inv)),
                'S' => sb.Append(time.Second.ToString("D2", inv)),
                'p' => sb.Append(time.Hour < 12 ? "AM" : "PM"),
                'b' or 'h' => sb.Append(Months[time.Month - 1]),
                'a' => sb.Append(Days[(int)time.DayOfWeek]),
                'u' => sb.Append(time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek),
                'w' => sb.Append((int)time.DayOfWeek),
                's' => sb.Append(time.ToUnixTimeSeconds()),
                '%' => sb.Append('%'),
                _ => sb.Append('%').Append(d),
            };
        }

        return sb.ToString();
    }

    /// <summary>Reads <c>path_timezone</c>: <c>+09:00</c>, <c>-0800</c>, <c>UTC</c> or a zone id such as <c>Asia/Tokyo</c>.</summary>
    public static bool TryParseZone(string text, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        var s = text.Trim();
        if (s.Length >= 5 && (s[0] == '+' || s[0] == '-'))
        {
            var digits = s[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            if (digits.Length == 4 && int.TryParse(digits[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                && int.TryParse(digits[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && h < 24 && m < 60)
            {
                var offset = new TimeSpan(h, m, 0) * (s[0] == '-' ? -1 : 1);
                zone = TimeZoneInfo.CreateCustomTimeZone(s, offset, s, s);
                return true;
            }

            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(s);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
