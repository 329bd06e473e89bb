using System.Globalization;

namespace Tailship.Buffers;

/// <summary>Reads <c>timekey_zone</c>: a numeric offset (<c>+09:00</c>, <c>+0900</c>, <c>-05</c>) or an IANA name.</summary>
internal static class BufferZones
{
    public static bool TryParse(string text, out TimeZoneInfo zone)
    {
        text = text.Trim();
        zone = TimeZoneInfo.Utc;
        if (text is "UTC" or "Z" or "utc")
        {
            return true;
        }

        if (text.Length >= 3 && text[0] is '+' or '-')
        {
            var digits = text[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            if (digits.Length is 2 or 4 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                var hours = digits.Length == 2 ? n : n / 100;
                var minutes = digits.Length == 2 ? 0 : n % 100;
                if (hours > 14 || minutes > 59)
                {
                    return false;
                }

                var offset = new TimeSpan(hours, minutes, 0) * (text[0] == '-' ? -1 : 1);
                zone = TimeZoneInfo.CreateCustomTimeZone(text, offset, text, text);
                return true;
            }

            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(text);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }
}
