using Tailship.Text;

namespace Tailship.Tests.Text;

public sealed class TimeZonesTests
{
    private const long Jan2024 = 1704103200;

    [Theory]
    [InlineData("+09:00", 32400)]
    [InlineData("-0700", -25200)]
    [InlineData("+09", 32400)]
    [InlineData("+05:30", 19800)]
    [InlineData("UTC", 0)]
    [InlineData("Asia/Tokyo", 32400)]
    [InlineData("Asia/Kolkata", 19800)]
    public void TryParse_KnownForms_GiveTheirOffset(string text, int offsetSeconds)
    {
        Assert.True(TimeZones.TryParse(text, out var zone, out var error), error);
        Assert.Equal(offsetSeconds, zone.GetOffsetSeconds(Jan2024));
        Assert.False(zone.IsUtc);
    }

    [Theory]
    [InlineData("Mars/Olympus", "unknown time zone 'Mars/Olympus'")]
    [InlineData("+25:00", "invalid time zone offset '+25:00'")]
    [InlineData("+09:60", "invalid time zone offset '+09:60'")]
    [InlineData("+9", "invalid time zone offset '+9'")]
    [InlineData("../../etc/passwd", "unknown time zone")]
    [InlineData("", "empty time zone")]
    public void TryParse_Bad_SaysWhatWasFoundAndExpected(string text, string message)
    {
        Assert.False(TimeZones.TryParse(text, out _, out var error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.Contains("Asia/Tokyo", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Asia/Kolkata", 19800)]
    [InlineData(":Asia/Tokyo", 32400)]
    [InlineData("UTC", 0)]
    [InlineData("Nowhere/Zone", 0)]
    public void FromEnvironment_ReadsTz(string tz, int offsetSeconds)
    {
        var zone = TimeZones.FromEnvironment(name => name == "TZ" ? tz : null);
        Assert.Equal(offsetSeconds, zone.GetOffsetSeconds(Jan2024));
    }

    [Fact]
    public void FromEnvironment_NoTz_IsTheSystemZone()
    {
        var zone = TimeZones.FromEnvironment(_ => null);
        var expected = (int)TimeZoneInfo.Local.GetUtcOffset(DateTimeOffset.FromUnixTimeSeconds(Jan2024)).TotalSeconds;
        Assert.Equal(expected, zone.GetOffsetSeconds(Jan2024));
    }

    [Fact]
    public void Utc_IsUtcTimeWithZoneName()
    {
        Assert.True(TimeZoneSpec.Utc.IsUtc);
        Assert.Equal("UTC", TimeZoneSpec.Utc.GetAbbreviation(Jan2024));
    }
}
