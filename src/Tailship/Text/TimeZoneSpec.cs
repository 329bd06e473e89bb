namespace Tailship.Text;

/// <summary>
/// The time zone a time is shown in, as Ruby distinguishes them: UTC time (<c>Time#utc</c>: <c>%Z</c> is
/// <c>UTC</c> and ISO 8601 ends in <c>Z</c>), a fixed offset (<c>+09:00</c>: no zone name) or a named zone
/// whose offset follows its daylight-saving rules (<c>Asia/Tokyo</c>, the local zone).
/// </summary>
internal sealed class TimeZoneSpec
{
    private readonly TimeZoneInfo? _zone;
    private readonly int _fixedOffsetSeconds;
    private readonly string? _standardAbbreviation;
    private readonly string? _daylightAbbreviation;

    private TimeZoneSpec(string name, bool isUtc, int fixedOffsetSeconds, TimeZoneInfo? zone)
    {
        Name = name;
        IsUtc = isUtc;
        _fixedOffsetSeconds = fixedOffsetSeconds;
        _zone = zone;
        if (isUtc)
        {
            _standardAbbreviation = "UTC";
        }
        else if (zone is not null)
        {
            _standardAbbreviation = Abbreviation(zone.StandardName);
            _daylightAbbreviation = Abbreviation(zone.DaylightName);
        }
    }

    /// <summary>UTC time as Ruby's <c>Time#utc</c> shows it (what <c>utc true</c> selects).</summary>
    public static TimeZoneSpec Utc { get; } = new("UTC", isUtc: true, 0, null);

    /// <summary>The name it was given by (<c>+09:00</c>, <c>Asia/Tokyo</c>), for messages.</summary>
    public string Name { get; }

    /// <summary>True only for <see cref="Utc"/>; a zone named <c>UTC</c> or <c>+00:00</c> is not UTC time in Ruby's sense.</summary>
    public bool IsUtc { get; }

    /// <summary>True when the offset never changes (UTC time or a numeric offset).</summary>
    public bool IsFixed => _zone is null;

    public static TimeZoneSpec FromOffset(TimeSpan offset, string? name = null)
    {
        var seconds = (int)offset.TotalSeconds;
        return new TimeZoneSpec(name ?? FormatOffset(seconds), isUtc: false, seconds, null);
    }

    public static TimeZoneSpec FromTimeZoneInfo(TimeZoneInfo zone, string? name = null) =>
        new(name ?? zone.Id, isUtc: false, 0, zone);

    /// <summary>The offset from UTC, in seconds, at the instant <paramref name="unixSeconds"/>.</summary>
    public int GetOffsetSeconds(long unixSeconds)
    {
        if (_zone is null)
        {
            return _fixedOffsetSeconds;
        }

        var instant = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, -62135596800L, 253402300799L));
        return (int)_zone.GetUtcOffset(instant).TotalSeconds;
    }

    /// <summary>
    /// The zone abbreviation <c>%Z</c> shows (<c>UTC</c>, <c>JST</c>, <c>IST</c>); empty for a numeric offset, as in
    /// Ruby, whose fixed-offset times have no zone name.
    /// </summary>
    public string GetAbbreviation(long unixSeconds)
    {
        if (_zone is null)
        {
            return _standardAbbreviation ?? string.Empty;
        }

        if (_daylightAbbreviation is not null && _zone.SupportsDaylightSavingTime)
        {
            var instant = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, -62135596800L, 253402300799L));
            if (_zone.IsDaylightSavingTime(instant))
            {
                return _daylightAbbreviation;
            }
        }

        return _standardAbbreviation ?? string.Empty;
    }

    public override string ToString() => Name;

    /// <summary><c>+09:00</c> / <c>-07:30</c>.</summary>
    public static string FormatOffset(int seconds)
    {
        var sign = seconds < 0 ? '-' : '+';
        var abs = Math.Abs(seconds);
        return $"{sign}{abs / 3600:D2}:{abs / 60 % 60:D2}";
    }

    // Without ICU, .NET on Unix takes zone names from the tzfile abbreviations ("JST", "IST", "+0530").
    // Anything that does not look like one (a long display name) is not shown.
    private static string? Abbreviation(string name) =>
        name.Length is > 0 and <= 6 && !name.Contains(' ', StringComparison.Ordinal) ? name : null;
}
