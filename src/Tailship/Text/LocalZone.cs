namespace Tailship.Text;

/// <summary>The local zone a plugin shows times in.</summary>
internal static class LocalZone
{
    /// <summary>
    /// With the system clock, the zone Ruby would use (<c>TZ</c>, as the formatters read it); with an injected clock
    /// (tests), that clock's <see cref="TimeProvider.LocalTimeZone"/>, so results do not depend on the machine.
    /// </summary>
    public static TimeZoneSpec Of(TimeProvider time) =>
        ReferenceEquals(time, TimeProvider.System) ? TimeZones.Local() : TimeZoneSpec.FromTimeZoneInfo(time.LocalTimeZone);
}
