using System.Text;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Tests.Text;

public sealed class StrptimeTests
{
    private static readonly EventTime Now = EventTime.FromSeconds(1_795_656_000, 500_000_000); // 2026-11-26T01:20:00.5Z

    private static readonly TimeZoneSpec Tokyo = TimeZoneSpec.FromOffset(TimeSpan.FromHours(9));

    private static string Parse(string format, string input, TimeZoneSpec? zone = null)
    {
        Assert.True(Strptime.TryCreate(format, out var parser, out var error), error);
        Assert.True(parser!.TryParse(Encoding.UTF8.GetBytes(input), zone ?? TimeZoneSpec.Utc, Now, out var time), $"'{input}' did not parse with '{format}'");
        return Tests.Parsers.ParserHarness.FormatTime(time);
    }

    [Theory]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2015-12-25T12:34:56+09", "2015-12-25T03:34:56.000000000Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2015-12-25T12:34:56+09:00", "2015-12-25T03:34:56.000000000Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2015-12-25T12:34:56-0130", "2015-12-25T14:04:56.000000000Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2015-12-25T12:34:56Z", "2015-12-25T12:34:56.000000000Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%N%z", "2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.123456789Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%L%z", "2024-01-01T00:00:00.5+00:00", "2024-01-01T00:00:00.500000000Z")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%N", "2024-01-01T00:00:00.1234567891234", "2024-01-01T00:00:00.123456789Z")]
    [InlineData("%d/%b/%Y:%H:%M:%S %z", "28/Feb/2013:12:00:00 +0900", "2013-02-28T03:00:00.000000000Z")]
    [InlineData("%d/%B/%Y", "01/february/2020", "2020-02-01T00:00:00.000000000Z")]
    [InlineData("%s", "1700000000", "2023-11-14T22:13:20.000000000Z")]
    [InlineData("%s.%N", "1700000000.25", "2023-11-14T22:13:20.250000000Z")]
    [InlineData("%Q", "1700000000123", "2023-11-14T22:13:20.123000000Z")]
    [InlineData("%F %T", "2024-02-29 23:59:59", "2024-02-29T23:59:59.000000000Z")]
    [InlineData("%m/%d/%y %I:%M %p", "01/02/99 12:30 AM", "1999-01-02T00:30:00.000000000Z")]
    [InlineData("%m/%d/%y %I:%M %p", "01/02/24 12:30 pm", "2024-01-02T12:30:00.000000000Z")]
    [InlineData("%a %b %e %H:%M:%S %Y", "Thu Nov  5 01:20:00 2026", "2026-11-05T01:20:00.000000000Z")]
    [InlineData("%Y%m%d%H%M%S", "20240101123456", "2024-01-01T12:34:56.000000000Z")]
    [InlineData("%Y-%j", "2024-060", "2024-02-29T00:00:00.000000000Z")]
    [InlineData("%Y-%m-%d %H:%M:%S %Z", "2024-01-01 00:00:00 EST", "2024-01-01T05:00:00.000000000Z")]
    [InlineData("%Y-%m-%d %H:%M:%S %z", "2024-01-01 00:00:00 UTC", "2024-01-01T00:00:00.000000000Z")]
    [InlineData("%Y-%m-%d  %H:%M", "2024-01-01 \t 10:00", "2024-01-01T10:00:00.000000000Z")]
    [InlineData("%Y-%m-%d %%", "2024-01-01 %", "2024-01-01T00:00:00.000000000Z")]
    public void Format_ParsesLikeRuby(string format, string input, string expected) =>
        Assert.Equal(expected, Parse(format, input));

    [Fact]
    public void NoYear_TakesCurrentYear()
    {
        Assert.Equal("2026-02-28T12:00:00.000000000Z", Parse("%b %d %H:%M:%S", "Feb 28 12:00:00"));
    }

    [Fact]
    public void OnlyTime_TakesTodayInTheZone()
    {
        // 01:20Z is already 10:20 on the 26th in Tokyo; a time of 09:00 there is 00:00Z.
        Assert.Equal("2026-11-26T00:00:00.000000000Z", Parse("%H:%M", "09:00", Tokyo));
    }

    [Fact]
    public void NoZoneInText_UsesDefaultZone()
    {
        Assert.Equal("2024-01-01T01:00:00.000000000Z", Parse("%Y-%m-%d %H:%M:%S", "2024-01-01 10:00:00", Tokyo));
    }

    [Fact]
    public void ZoneInText_WinsOverDefaultZone()
    {
        Assert.Equal("2024-01-01T10:00:00.000000000Z", Parse("%Y-%m-%d %H:%M:%S %z", "2024-01-01 10:00:00 +00:00", Tokyo));
    }

    [Fact]
    public void NamedZone_FollowsDaylightSaving()
    {
        Assert.True(TimeZones.TryParse("America/New_York", out var newYork, out _));
        Assert.Equal("2024-07-01T16:00:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-07-01 12:00", newYork));
        Assert.Equal("2024-01-01T17:00:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-01-01 12:00", newYork));
    }

    [Theory]
    [InlineData("%Y-%m-%d", "2024-01-01 trailing")]
    [InlineData("%Y-%m-%d", "2024-13-01")]
    [InlineData("%Y-%m-%d", "2024-01-32")]
    [InlineData("%H:%M:%S", "25:00:00")]
    [InlineData("%b %d", "Foo 01")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", "2024-01-01T00:00:00+2500")]
    [InlineData("%Y-%m-%d", "")]
    [InlineData("%d/%b/%Y", "yesterday")]
    public void Mismatch_Fails(string format, string input)
    {
        Assert.True(Strptime.TryCreate(format, out var parser, out _));
        Assert.False(parser!.TryParse(Encoding.UTF8.GetBytes(input), TimeZoneSpec.Utc, Now, out _));
    }

    [Theory]
    [InlineData("%Y-%q")]
    [InlineData("%Y %E")]
    [InlineData("%:H")]
    public void UnknownDirective_IsRefused(string format)
    {
        Assert.False(Strptime.TryCreate(format, out _, out var error));
        Assert.Contains(format.Contains('q', StringComparison.Ordinal) ? "%q" : "time_format", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-01-01T10:00:00Z", "2024-01-01T10:00:00.000000000Z")]
    [InlineData("2024-01-01T10:00:00.123+09:00", "2024-01-01T01:00:00.123000000Z")]
    [InlineData("2024-01-01T10:00:00", "2024-01-01T10:00:00.000000000Z")]
    public void Iso8601_ParsesLikeTimeIso8601(string input, string expected)
    {
        Assert.True(RubyTimeParse.TryParseIso8601(Encoding.UTF8.GetBytes(input), TimeZoneSpec.Utc, out var time));
        Assert.Equal(expected, Tests.Parsers.ParserHarness.FormatTime(time));
    }

    [Theory]
    [InlineData("2024-01-01 10:00:00 +0900", "2024-01-01T01:00:00.000000000Z")]
    [InlineData("2024-01-01", "2024-01-01T00:00:00.000000000Z")]
    [InlineData("Thu, 26 Nov 2026 01:20:00 +0000", "2026-11-26T01:20:00.000000000Z")]
    [InlineData("Wed Oct 11 14:32:52 2000", "2000-10-11T14:32:52.000000000Z")]
    [InlineData("Oct 11 14:32:52.123456 2000", "2000-10-11T14:32:52.123456000Z")]
    [InlineData("28/Feb/2013:12:00:00 +0900", "2013-02-28T03:00:00.000000000Z")]
    public void NoFormat_ParsesLikeTimeParse(string input, string expected)
    {
        Assert.True(RubyTimeParse.TryParse(Encoding.UTF8.GetBytes(input), TimeZoneSpec.Utc, Now, out var time));
        Assert.Equal(expected, Tests.Parsers.ParserHarness.FormatTime(time));
    }

    [Fact]
    public void DaylightSavingGap_UsesTheOffsetBeforeTheChange()
    {
        // 2024-03-10 02:30 does not exist in New York (clocks jump from 02:00 EST to 03:00 EDT).
        Assert.True(TimeZones.TryParse("America/New_York", out var newYork, out _));
        Assert.Equal("2024-03-10T07:30:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-03-10 02:30", newYork));
    }

    [Fact]
    public void DaylightSavingOverlap_IsTheEarlierInstant()
    {
        // 2024-11-03 01:30 happens twice in New York: first in EDT (05:30Z), then in EST (06:30Z).
        Assert.True(TimeZones.TryParse("America/New_York", out var newYork, out _));
        Assert.Equal("2024-11-03T05:30:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-11-03 01:30", newYork));
    }

    [Fact]
    public void DaylightSavingOverlap_EastOfUtc_IsTheEarlierInstant()
    {
        // 2024-10-27 02:30 happens twice in Berlin: in CEST (00:30Z), then in CET (01:30Z).
        Assert.True(TimeZones.TryParse("Europe/Berlin", out var berlin, out _));
        Assert.Equal("2024-10-27T00:30:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-10-27 02:30", berlin));
        Assert.Equal("2024-07-01T10:00:00.000000000Z", Parse("%Y-%m-%d %H:%M", "2024-07-01 12:00", berlin));
    }

    [Fact]
    public void RepeatedText_SameResult_PerZone()
    {
        var parser = Strptime.Create("%d/%b/%Y:%H:%M:%S");
        var text = "28/Feb/2013:12:00:00"u8;
        Assert.True(parser.TryParse(text, TimeZoneSpec.Utc, Now, out var utc1));
        Assert.True(parser.TryParse(text, TimeZoneSpec.Utc, Now, out var utc2));
        Assert.True(parser.TryParse(text, Tokyo, Now, out var inTokyo));
        Assert.True(parser.TryParse("28/Feb/2013:12:00:01"u8, Tokyo, Now, out var nextSecond));
        Assert.Equal(utc1, utc2);
        Assert.Equal(utc1.Seconds - (9 * 3600), inTokyo.Seconds);
        Assert.Equal(inTokyo.Seconds + 1, nextSecond.Seconds);
        Assert.False(parser.TryParse("28/Feb/2013:12:00:0x"u8, Tokyo, Now, out _));
    }

    [Fact]
    public void RepeatedTextWithoutYear_FollowsNow()
    {
        // Without a year the result depends on the current time, so nothing is remembered between calls.
        var parser = Strptime.Create("%b %d %H:%M:%S");
        Assert.True(parser.TryParse("Feb 28 12:00:00"u8, TimeZoneSpec.Utc, Now, out var thisYear));
        Assert.True(parser.TryParse("Feb 28 12:00:00"u8, TimeZoneSpec.Utc, EventTime.FromSeconds(Now.Seconds - (400L * 86400)), out var lastYear));
        Assert.NotEqual(thisYear, lastYear);
    }

    [Theory]
    [InlineData("%d/%b/%Y:%H:%M:%S %z", null)]
    [InlineData("%d/%b/%Y:%H:%M:%S", "UTC")]
    [InlineData("%d/%b/%Y:%H:%M:%S", "America/New_York")]
    [InlineData("%Y-%m-%d %H:%M:%S", "Europe/Amsterdam")]
    [InlineData("%Y-%m-%dT%H:%M:%S%z", null)]
    public void RememberedLastText_GivesWhatAFreshParseGives(string format, string? zoneName)
    {
        // Consecutive texts as a log has them (same second, next second, next minute, a DST night), and junk.
        var zone = TimeZoneSpec.Utc;
        if (zoneName is not null)
        {
            Assert.True(TimeZones.TryParse(zoneName, out zone, out _));
        }

        var cached = Strptime.Create(format);
        var random = new Random(5);
        var instant = new DateTimeOffset(1937, 6, 30, 23, 58, 0, TimeSpan.Zero); // Amsterdam left its +00:19:32 here
        for (var i = 0; i < 20_000; i++)
        {
            instant = instant.AddSeconds(random.Next(10) switch { 0 => 0, < 7 => 1, 7 => 61, 8 => 3599, _ => 86_400 * 30 });
            var local = zone.IsUtc ? instant : instant.ToOffset(TimeSpan.FromSeconds(random.Next(3) == 0 ? 0 : 9 * 3600));
            var text = Strftime(format, local);
            if (random.Next(20) == 0)
            {
                text = text.Replace(text[random.Next(text.Length)], random.Next(2) == 0 ? '6' : 'x');
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            var expectedOk = Strptime.Create(format).TryParse(bytes, zone, Now, out var expected);
            Assert.Equal(expectedOk, cached.TryParse(bytes, zone, Now, out var actual));
            Assert.True(expected == actual, $"{text}: {expected} != {actual}");
        }
    }

    private static string Strftime(string format, DateTimeOffset t) =>
        format
            .Replace("%d", t.Day.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%b", t.ToString("MMM", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%Y", t.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%m", t.Month.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%H", t.Hour.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%M", t.Minute.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%S", t.Second.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%z", t.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture).Replace(":", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
}
