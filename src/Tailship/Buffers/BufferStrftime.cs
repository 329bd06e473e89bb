using Tailship.Text;

namespace Tailship.Buffers;

/// <summary>
/// Time slices of a buffer, and their rendering for placeholders. The rendering is <see cref="Strftime"/> (Ruby's
/// <c>Time#strftime</c>, every directive and flag); this class only adapts the buffer's <see cref="TimeZoneInfo"/>.
/// A slice starts on a whole second, so <c>%L</c> and <c>%N</c> render as zeros.
/// </summary>
internal static class BufferStrftime
{
    public static string Format(string format, long unixSeconds, TimeZoneInfo zone) =>
        Strftime.Compile(format).Format(DateTimeOffset.FromUnixTimeSeconds(unixSeconds), ZoneSpec(zone));

    /// <summary>Start of the time slice holding <paramref name="unixSeconds"/>: slices are cut in <paramref name="zone"/>'s local time.</summary>
    public static long SliceStart(long unixSeconds, long timekeySeconds, TimeZoneInfo zone)
    {
        var offset = (long)zone.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)).TotalSeconds;
        return unixSeconds - (((unixSeconds + offset) % timekeySeconds) + timekeySeconds) % timekeySeconds;
    }

    // timekey_use_utc selects TimeZoneInfo.Utc: Ruby's UTC time, whose %Z is "UTC".
    private static TimeZoneSpec ZoneSpec(TimeZoneInfo zone) =>
        zone == TimeZoneInfo.Utc ? TimeZoneSpec.Utc : TimeZoneSpec.FromTimeZoneInfo(zone);
}
