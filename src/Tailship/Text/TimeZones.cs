using System.Globalization;

namespace Tailship.Text;

/// <summary>
/// Reads the time zone spellings Fluentd accepts (<c>timezone</c>, <c>timekey_zone</c>): <c>+09:00</c>,
/// <c>-0700</c>, <c>+09</c>, <c>UTC</c> and IANA names such as <c>Asia/Tokyo</c> (from the system's zoneinfo),
/// and finds the local zone the way Ruby does, from <c>TZ</c>.
/// </summary>
internal static class TimeZones
{
    public const string ExpectedForms = "expected +HH:MM, +HHMM, +HH or a zone name such as Asia/Tokyo or UTC";

    /// <summary>Parses a zone; on failure <paramref name="error"/> says what was found and what is expected.</summary>
    public static bool TryParse(string? text, out TimeZoneSpec zone, out string? error)
    {
        zone = TimeZoneSpec.Utc;
        error = null;
        var s = text?.Trim() ?? string.Empty;
        if (s.Length == 0)
        {
            error = $"empty time zone: {ExpectedForms}";
            return false;
        }

        if (s[0] is '+' or '-')
        {
            if (TryParseOffset(s, out var seconds))
            {
                zone = TimeZoneSpec.FromOffset(TimeSpan.FromSeconds(seconds), s);
                return true;
            }

            error = $"invalid time zone offset '{s}': {ExpectedForms}";
            return false;
        }

        if (TryFindNamed(s, out var info))
        {
            zone = TimeZoneSpec.FromTimeZoneInfo(info, s);
            return true;
        }

        error = $"unknown time zone '{s}': {ExpectedForms}";
        return false;
    }

    /// <summary>The local zone of this process: <c>TZ</c> when set (with or without a leading colon), else the system's.</summary>
    public static TimeZoneSpec Local() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// The local zone as seen through <paramref name="getEnvironmentVariable"/>. An unknown <c>TZ</c> means UTC
    /// offset 0, as in glibc (Ruby's local time), never an error.
    /// </summary>
    public static TimeZoneSpec FromEnvironment(Func<string, string?> getEnvironmentVariable)
    {
        var tz = getEnvironmentVariable("TZ");
        if (tz is null)
        {
            return TimeZoneSpec.FromTimeZoneInfo(TimeZoneInfo.Local, "localtime");
        }

        var name = tz.TrimStart(':').Trim();
        if (name.Length > 0 && TryFindNamed(name, out var info))
        {
            return TimeZoneSpec.FromTimeZoneInfo(info, name);
        }

        return TimeZoneSpec.FromOffset(TimeSpan.Zero, name.Length == 0 ? "UTC" : name);
    }

    /// <summary><c>+HH:MM</c>, <c>+HHMM</c> or <c>+HH</c> (sign required), hours up to 24, minutes below 60.</summary>
    public static bool TryParseOffset(ReadOnlySpan<char> s, out int seconds)
    {
        seconds = 0;
        if (s.Length < 3 || (s[0] != '+' && s[0] != '-'))
        {
            return false;
        }

        var rest = s[1..];
        ReadOnlySpan<char> hh, mm;
        if (rest.Length == 2)
        {
            hh = rest;
            mm = "00";
        }
        else if (rest.Length == 4)
        {
            hh = rest[..2];
            mm = rest[2..];
        }
        else if (rest.Length == 5 && rest[2] == ':')
        {
            hh = rest[..2];
            mm = rest[3..];
        }
        else
        {
            return false;
        }

        if (!IsDigits(hh) || !IsDigits(mm))
        {
            return false;
        }

        var hours = int.Parse(hh, NumberStyles.None, CultureInfo.InvariantCulture);
        var minutes = int.Parse(mm, NumberStyles.None, CultureInfo.InvariantCulture);
        if (hours > 24 || minutes > 59)
        {
            return false;
        }

        seconds = ((hours * 3600) + (minutes * 60)) * (s[0] == '-' ? -1 : 1);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryFindNamed(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;

        // A zone id is a path below the zoneinfo directory; refuse anything that could climb out of it.
        if (name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/'))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            // Expected for a misspelt name: the caller reports it.
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            // A zoneinfo file that cannot be read as one: reported by the caller as unknown.
            return false;
        }
    }
}
