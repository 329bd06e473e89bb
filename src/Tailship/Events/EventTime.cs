namespace Tailship.Events;

/// <summary>An event time with nanosecond precision, stored as nanoseconds since the Unix epoch (UTC).</summary>
public readonly record struct EventTime(long UnixNanoseconds) : IComparable<EventTime>
{
    private const long NanosPerSecond = 1_000_000_000;

    public long Seconds => Math.DivRem(UnixNanoseconds, NanosPerSecond, out var rem) - (rem < 0 ? 1 : 0);

    public int Nanoseconds => (int)(((UnixNanoseconds % NanosPerSecond) + NanosPerSecond) % NanosPerSecond);

    public static EventTime FromSeconds(long seconds, int nanoseconds = 0) => new((seconds * NanosPerSecond) + nanoseconds);

    public static EventTime FromDateTimeOffset(DateTimeOffset value) =>
        new((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    public static EventTime Now(TimeProvider time) => FromDateTimeOffset(time.GetUtcNow());

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.DivRem(UnixNanoseconds, 100, out _));

    public int CompareTo(EventTime other) => UnixNanoseconds.CompareTo(other.UnixNanoseconds);

    public static bool operator <(EventTime left, EventTime right) => left.UnixNanoseconds < right.UnixNanoseconds;

    public static bool operator >(EventTime left, EventTime right) => left.UnixNanoseconds > right.UnixNanoseconds;

    public static bool operator <=(EventTime left, EventTime right) => left.UnixNanoseconds <= right.UnixNanoseconds;

    public static bool operator >=(EventTime left, EventTime right) => left.UnixNanoseconds >= right.UnixNanoseconds;

    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}
