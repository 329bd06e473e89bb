namespace Tailship.Tests.Hosting;

/// <summary>A clock stopped at one instant, in a time zone with a fixed offset.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now, TimeSpan offset) : TimeProvider
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.CreateCustomTimeZone("test", offset, "test", "test");

    public override TimeZoneInfo LocalTimeZone => _zone;

    public override DateTimeOffset GetUtcNow() => now;
}
