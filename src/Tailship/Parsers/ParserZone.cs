using System.Globalization;

namespace Tailship.Parsers;

/// <summary>
/// Resolves Fluentd's <c>timezone</c> values: <c>+09:00</c>, <c>+0900</c>, <c>-05</c>, <c>UTC</c>, or an IANA name such as
/// <c>Asia/Tokyo</c>. Kept small and private to the parsers until the shared <c>Text/TimeZones</c> lands; swap the
/// calls for it then.
/// </summary>
internal static class ParserZone
{
    public static bool TryResolve(string text, out TimeZoneInfo zone, out string? error)
    {
        var s = text.Trim();
        error = null;
        zone = TimeZoneInfo.Utc;
        if (s is "UTC" or "utc" or "Z" or "GMT" or "Etc/UTC")
        {
            return true;
        }

        if (s.Length > 1 && (s[0] == '+' || s[0] == '-'))
        {
            var digits = s[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            if ((digits.Length is 2 or 4) && digits.All(char.IsAsciiDigit))
            {
                var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
                var minutes = digits.Length == 4 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
                if (hours <= 14 && minutes < 60)
                {
                    var offset = new TimeSpan(hours, minutes, 0) * (s[0] == '-' ? -1 : 1);
                    zone = offset == TimeSpan.Zero ? TimeZoneInfo.Utc : TimeZoneInfo.CreateCustomTimeZone(s, offset, s, s);
                    return true;
                }
            }

            error = $"invalid timezone '{text}': expected an offset such as +09:00 or -0500, or a name such as Asia/Tokyo";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(s);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"invalid timezone '{text}': {ex.Message}";
            return false;
        }
    }
}
