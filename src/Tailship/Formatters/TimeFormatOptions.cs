using Tailship.Text;

namespace Tailship.Formatters;

/// <summary>How an event time is written: Fluentd's time_type.</summary>
internal enum TimeType
{
    Float,
    Unixtime,
    String,
}

/// <summary>
/// The time settings of a formatter. <see cref="Zone"/> (from <c>timezone</c>) wins over <see cref="Utc"/>;
/// with neither, the local zone is used, found when the formatter is built.
/// </summary>
internal sealed record TimeFormatOptions(TimeType Type, string? Format, bool Utc, TimeZoneSpec? Zone)
{
    /// <summary>The defaults: ISO 8601 strings in local time.</summary>
    public static TimeFormatOptions Default { get; } = new(TimeType.String, null, false, null);

    public TimeZoneSpec ResolveZone(TimeZoneSpec localZone) => Zone ?? (Utc ? TimeZoneSpec.Utc : localZone);
}
