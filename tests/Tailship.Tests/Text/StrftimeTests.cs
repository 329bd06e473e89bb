using System.Text;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Tests.Text;

public sealed class StrftimeTests
{
    // Tuesday 2024-03-05 07:08:09.123456789 UTC.
    private static readonly EventTime Time = EventTime.FromSeconds(1709622489, 123456789);

    private static string Render(string pattern, TimeZoneSpec zone) => Strftime.Compile(pattern).Format(CivilTime.From(Time, zone));

    [Theory]
    [InlineData("%Y", "2024")]
    [InlineData("%C", "20")]
    [InlineData("%y", "24")]
    [InlineData("%m", "03")]
    [InlineData("%-m", "3")]
    [InlineData("%_m", " 3")]
    [InlineData("%d", "05")]
    [InlineData("%-d", "5")]
    [InlineData("%05d", "00005")]
    [InlineData("%e", " 5")]
    [InlineData("%j", "065")]
    [InlineData("%H", "07")]
    [InlineData("%k", " 7")]
    [InlineData("%I", "07")]
    [InlineData("%l", " 7")]
    [InlineData("%M", "08")]
    [InlineData("%S", "09")]
    [InlineData("%L", "123")]
    [InlineData("%N", "123456789")]
    [InlineData("%3N", "123")]
    [InlineData("%6N", "123456")]
    [InlineData("%9N", "123456789")]
    [InlineData("%12N", "123456789000")]
    [InlineData("%z", "+0000")]
    [InlineData("%:z", "+00:00")]
    [InlineData("%::z", "+00:00:00")]
    [InlineData("%Z", "UTC")]
    [InlineData("%a", "Tue")]
    [InlineData("%^a", "TUE")]
    [InlineData("%A", "Tuesday")]
    [InlineData("%10A", "   Tuesday")]
    [InlineData("%b", "Mar")]
    [InlineData("%h", "Mar")]
    [InlineData("%B", "March")]
    [InlineData("%^B", "MARCH")]
    [InlineData("%p", "AM")]
    [InlineData("%#p", "am")]
    [InlineData("%P", "am")]
    [InlineData("%u", "2")]
    [InlineData("%w", "2")]
    [InlineData("%U", "09")]
    [InlineData("%W", "10")]
    [InlineData("%V", "10")]
    [InlineData("%G", "2024")]
    [InlineData("%s", "1709622489")]
    [InlineData("%F", "2024-03-05")]
    [InlineData("%T", "07:08:09")]
    [InlineData("%D", "03/05/24")]
    [InlineData("%R", "07:08")]
    [InlineData("%r", "07:08:09 AM")]
    [InlineData("%c", "Tue Mar  5 07:08:09 2024")]
    [InlineData("%v", " 5-MAR-2024")]
    [InlineData("%%", "%")]
    [InlineData("%n%t", "\n\t")]
    [InlineData("%q", "%q")]
    [InlineData("100%", "100%")]
    [InlineData("logs/%Y%m%d%H%M_", "logs/202403050708_")]
    [InlineData("日付 %Y", "日付 2024")]
    public void Directive_InUtc_MatchesRuby(string pattern, string expected) =>
        Assert.Equal(expected, Render(pattern, TimeZoneSpec.Utc));

    [Theory]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-03-05T16:08:09+0900")]
    [InlineData("%:z", "+09:00")]
    [InlineData("%Z", "")]
    [InlineData("%p %I %l", "PM 04  4")]
    public void Directive_InFixedOffset_UsesThatOffsetAndNoZoneName(string pattern, string expected)
    {
        Assert.True(TimeZones.TryParse("+09:00", out var zone, out _));
        Assert.Equal(expected, Render(pattern, zone));
    }

    [Fact]
    public void NamedZone_UsesItsOffsetAndAbbreviation()
    {
        Assert.True(TimeZones.TryParse("Asia/Kolkata", out var zone, out _));
        Assert.Equal("2024-03-05 12:38:09 +0530 IST", Render("%Y-%m-%d %H:%M:%S %z %Z", zone));
    }

    [Fact]
    public void NamedZone_FollowsDaylightSaving()
    {
        Assert.True(TimeZones.TryParse("America/New_York", out var zone, out _));
        var winter = Strftime.Compile("%H %z").Format(CivilTime.From(EventTime.FromSeconds(1704103200), zone));
        var summer = Strftime.Compile("%H %z").Format(CivilTime.From(EventTime.FromSeconds(1719828000), zone));
        Assert.Equal("05 -0500", winter);
        Assert.Equal("06 -0400", summer);
    }

    [Fact]
    public void DateTimeOffset_KeepsItsOwnOffset()
    {
        var value = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7));
        Assert.Equal("2024-01-02 03:04:05 -0700", Strftime.Compile("%Y-%m-%d %H:%M:%S %z").Format(value));
        Assert.Equal("2024-01-02T10:04:05Z", Strftime.Compile("%Y-%m-%dT%H:%M:%SZ").Format(value, TimeZoneSpec.Utc));
    }

    [Fact]
    public void BufferWriter_GetsTheSameBytes()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Strftime.Compile("%F %T.%L %:z").Format(CivilTime.From(Time, TimeZoneSpec.Utc), buffer);
        Assert.Equal("2024-03-05 07:08:09.123 +00:00", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void SmallDestination_IsRefused()
    {
        var format = Strftime.Compile("%Y");
        Assert.Throws<ArgumentException>(() => format.Format(CivilTime.From(Time, TimeZoneSpec.Utc), new byte[2]));
    }

    [Theory]
    [InlineData("%Y%m%d", 86400)]
    [InlineData("%Y%m%d%H", 3600)]
    [InlineData("%Y%m%d%H%M", 60)]
    [InlineData("%Y%m%d%H%M%S", 1)]
    [InlineData("%Y-%m", null)]
    public void FinestPeriod_IsTheSmallestUnitShown(string pattern, int? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, Strftime.Compile(pattern).FinestPeriod);

    [Fact]
    public void UsesSubseconds_OnlyWithNOrL()
    {
        Assert.True(Strftime.Compile("%S.%N").UsesSubseconds);
        Assert.True(Strftime.Compile("%L").UsesSubseconds);
        Assert.False(Strftime.Compile("%Y-%m-%dT%H:%M:%S%:z").UsesSubseconds);
    }
}
