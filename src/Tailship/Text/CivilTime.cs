using Tailship.Events;

namespace Tailship.Text;

/// <summary>
/// A time broken down into calendar fields in one zone, with nanoseconds: what <see cref="Strftime"/> renders.
/// A value type, so turning an event time into fields allocates nothing.
/// </summary>
internal readonly struct CivilTime
{
    private readonly DateTime _local;

    private CivilTime(long unixSeconds, int nanoseconds, int offsetSeconds, TimeZoneSpec? zone)
    {
        UnixSeconds = unixSeconds;
        Nanosecond = nanoseconds;
        OffsetSeconds = offsetSeconds;
        Zone = zone;
        var local = Math.Clamp(unixSeconds + offsetSeconds, -62135596800L, 253402300799L);
        _local = DateTime.UnixEpoch.AddSeconds(local);
    }

    public long UnixSeconds { get; }

    /// <summary>0 to 999,999,999.</summary>
    public int Nanosecond { get; }

    public int OffsetSeconds { get; }

    /// <summary>The zone the fields are in; null for a bare offset (from a <see cref="DateTimeOffset"/>).</summary>
    public TimeZoneSpec? Zone { get; }

    public int Year => _local.Year;

    public int Month => _local.Month;

    public int Day => _local.Day;

    public int Hour => _local.Hour;

    public int Minute => _local.Minute;

    public int Second => _local.Second;

    public DayOfWeek DayOfWeek => _local.DayOfWeek;

    public int DayOfYear => _local.DayOfYear;

    /// <summary>The local date and time of day, without offset.</summary>
    public DateTime LocalDateTime => _local;

    public bool IsUtc => Zone?.IsUtc == true;

    /// <summary>The zone abbreviation (<c>%Z</c>); empty for a bare or numeric offset.</summary>
    public string ZoneAbbreviation => Zone?.GetAbbreviation(UnixSeconds) ?? string.Empty;

    public static CivilTime From(EventTime time, TimeZoneSpec zone)
    {
        var seconds = time.Seconds;
        return new CivilTime(seconds, time.Nanoseconds, zone.GetOffsetSeconds(seconds), zone);
    }

    public static CivilTime From(long unixSeconds, int nanoseconds, TimeZoneSpec zone) =>
        new(unixSeconds, nanoseconds, zone.GetOffsetSeconds(unixSeconds), zone);

    /// <summary>The instant shown in <paramref name="zone"/>.</summary>
    public static CivilTime From(DateTimeOffset value, TimeZoneSpec zone) =>
        From(EventTime.FromDateTimeOffset(value), zone);

    /// <summary>The instant shown with its own offset; <c>%Z</c> is empty (UTC when the offset is zero and it is UTC time is not assumed).</summary>
    public static CivilTime From(DateTimeOffset value)
    {
        var t = EventTime.FromDateTimeOffset(value);
        return new CivilTime(t.Seconds, t.Nanoseconds, (int)value.Offset.TotalSeconds, null);
    }
}
