using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Parsers;

namespace Tailship.Tests.Parsers;

/// <summary>time_type float, unixtime, string and mixed, through a json parser as users configure them.</summary>
public sealed class TimeValueParserTests
{
    private static string TimeOf(string config, string json)
    {
        var lines = ParserHarness.Run(ParserHarness.Create("@type json\n" + config), Encoding.UTF8.GetBytes(json));
        var line = Assert.Single(lines);
        return line.StartsWith("{\"not_matched\"", StringComparison.Ordinal) ? "not matched" : line[9..39];
    }

    [Theory]
    [InlineData("""{"time":1700000000.5}""", "2023-11-14T22:13:20.500000000Z")]
    [InlineData("""{"time":"1700000000.000000001"}""", "2023-11-14T22:13:20.000000001Z")]
    [InlineData("""{"time":"1700000000"}""", "2023-11-14T22:13:20.000000000Z")]
    [InlineData("""{"time":"1700000000.5.9"}""", "2023-11-14T22:13:20.500000000Z")]
    [InlineData("""{"time":"12abc"}""", "1970-01-01T00:00:12.000000000Z")]
    [InlineData("""{"time":true}""", "not matched")]
    [InlineData("""{"time":null}""", "not matched")]
    public void Float_IsTheJsonDefault(string json, string expected) =>
        Assert.Equal(expected, TimeOf(string.Empty, json));

    [Theory]
    [InlineData("""{"time":1700000000.9}""", "2023-11-14T22:13:20.000000000Z")]
    [InlineData("""{"time":"1700000000"}""", "2023-11-14T22:13:20.000000000Z")]
    public void Unixtime_DropsTheFraction(string json, string expected) =>
        Assert.Equal(expected, TimeOf("time_type unixtime", json));

    [Theory]
    [InlineData("""{"time":"2024-01-01T00:00:00Z"}""", "2024-01-01T00:00:00.000000000Z")]
    [InlineData("""{"time":"2024-01-01T00:00:00.25+01:00"}""", "2023-12-31T23:00:00.250000000Z")]
    [InlineData("""{"time":"2024-01-01 00:00:00"}""", "not matched")]
    public void Iso8601_Format(string json, string expected) =>
        Assert.Equal(expected, TimeOf("time_format %iso8601", json));

    [Theory]
    [InlineData("""{"time":"2024-01-01 10:00:00"}""", "2024-01-01T01:00:00.000000000Z")]
    [InlineData("""{"time":"01/01/2024"}""", "2023-12-31T15:00:00.000000000Z")]
    [InlineData("""{"time":"1700000000"}""", "2023-11-14T22:13:20.000000000Z")]
    [InlineData("""{"time":1700000000}""", "2023-11-14T22:13:20.000000000Z")]
    [InlineData("""{"time":"soon"}""", "not matched")]
    public void Mixed_TriesFormatThenFallbacks(string json, string expected) =>
        Assert.Equal(expected, TimeOf("time_type mixed\ntime_format %Y-%m-%d %H:%M:%S\ntime_format_fallbacks %m/%d/%Y, unixtime\ntimezone Asia/Tokyo", json));

    [Fact]
    public void Utc_ReadsZonelessTimesAsUtc() =>
        Assert.Equal("2024-01-01T10:00:00.000000000Z", TimeOf("time_format %Y-%m-%d %H:%M:%S\nutc true", """{"time":"2024-01-01 10:00:00"}"""));

    [Fact]
    public void Timezone_ReadsZonelessTimesInThatZone() =>
        Assert.Equal("2024-01-01T15:00:00.000000000Z", TimeOf("time_format %Y-%m-%d %H:%M:%S\ntimezone -05:00", """{"time":"2024-01-01 10:00:00"}"""));

    [Fact]
    public void CustomTimeKey_IsRemovedUnlessKept()
    {
        var parser = ParserHarness.Create("@type json\ntime_key ts\ntime_type unixtime");
        Assert.Equal("""{"time":"2023-11-14T22:13:20.000000000Z","record":{"a":1}}""", Assert.Single(ParserHarness.Run(parser, """{"ts":1700000000,"a":1}"""u8)));
        var keeping = ParserHarness.Create("@type json\ntime_key ts\ntime_type unixtime\nkeep_time_key true");
        Assert.Equal("""{"time":"2023-11-14T22:13:20.000000000Z","record":{"ts":1700000000,"a":1}}""", Assert.Single(ParserHarness.Run(keeping, """{"ts":1700000000,"a":1}"""u8)));
    }

    [Fact]
    public void Localtime_UsesTheProcessZone()
    {
        // The harness pins TZ=UTC, so local time reads as UTC.
        Assert.Equal("2024-01-01T10:00:00.000000000Z", TimeOf("time_format %Y-%m-%d %H:%M:%S", """{"time":"2024-01-01 10:00:00"}"""));
    }

    [Fact]
    public void TimeValueParser_Unixtime_ReadsStringsLikeToI()
    {
        var parser = TimeValueParser.Create("unixtime", null, [], Tailship.Text.TimeZoneSpec.Utc, out _)!;
        Assert.True(parser.TryParse("42 seconds"u8, ParserHarness.ReadTime, out var time));
        Assert.Equal(EventTime.FromSeconds(42), time);
    }

    [Theory]
    [InlineData("time_type mixed", "time_type mixed needs time_format")]
    [InlineData("time_format %Y-%Q-%q", "'%q' is not a strptime directive")]
    [InlineData("utc true\nlocaltime true\ntime_format %s", "both utc and localtime")]
    [InlineData("timezone Mars/Olympus\ntime_format %s", "unknown time zone 'Mars/Olympus'")]
    [InlineData("time_type string\ntimezone +09:00", "requires time_format")]
    [InlineData("time_type hours", "expected one of float, unixtime, string, mixed")]
    public void BadTimeConfig_IsRefusedWithReason(string config, string expected)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(ParserHarness.TryCreate("@type json\n" + config, diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains(expected, StringComparison.Ordinal));
    }
}
