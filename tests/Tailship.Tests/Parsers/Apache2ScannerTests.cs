using System.Text;
using Tailship.Parsers;
using Tailship.Parsers.Apache2;

namespace Tailship.Tests.Parsers;

public sealed class Apache2ScannerTests
{
    private const string Line = "192.168.0.1 - bob [28/Feb/2013:12:00:00 +0900] \"GET /index.html HTTP/1.1\" 200 777 \"-\" \"Opera/12.0\"";

    [Fact]
    public void GroupOrder_IsTheRegexGroupOrder()
    {
        Assert.Equal(Apache2Scanner.GroupNames, Apache2Parser.Matcher.GroupNames);
    }

    [Theory]
    [InlineData(Line)]
    [InlineData("::1 - - [28/Feb/2013:12:00:00 +0000] \"GET /a b c HTTP/1.1\" 200 1")]
    [InlineData("h i u [t] \"GET   /p   HTTP/1.1  \" 200 777 \"\" \"\"")]
    [InlineData("h i u [t] \"GET \" 200 777")]
    [InlineData("h i u [t] \"GET /ünï\" 200 ")]
    [InlineData(" - - [] \"M p\" 1 2")]
    public void WellFormedLine_ScannedLikeTheRegex(string text)
    {
        var line = Encoding.UTF8.GetBytes(text);
        var expected = new (int, int)[9];
        var actual = new (int, int)[9];
        Assert.True(Runtime().TryMatch(line, expected));
        Assert.True(Apache2Scanner.TryScan(line, actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("h i u [t] \"GET\" 200 777")] // no space in the request: the regex may backtrack
    [InlineData("h i u [t] \"GET /a\\\"b HTTP/1.1\" 200 777")] // a backslash
    [InlineData("h i u [t] \"GET /\tx\" 200 777")] // a TAB
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777 \"r\" \"a\" extra")]
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777 \"r\" \"a \"q\" b\"")]
    public void LineTheScannerCannotDecide_IsDeclined(string text)
    {
        Assert.False(Apache2Scanner.TryScan(Encoding.UTF8.GetBytes(text), new (int, int)[9]));
    }

    [Fact]
    public void GeneratedLines_ScannerAgreesWithRegex_ParserOutputUnchanged()
    {
        var regex = Runtime();
        var parser = ParserHarness.Create("@type apache2");
        var expected = new (int, int)[9];
        var actual = new (int, int)[9];
        int scanned = 0, declinedButMatched = 0;
        foreach (var line in GeneratedLogLines.Create(40_000, seed: 3))
        {
            var matched = regex.TryMatch(line, expected);
            if (Apache2Scanner.TryScan(line, actual))
            {
                scanned++;
                Assert.True(matched, "scanned, but the regex does not match: " + Encoding.Latin1.GetString(line));
                Assert.True(expected.AsSpan().SequenceEqual(actual), "groups differ: " + Encoding.Latin1.GetString(line));
            }
            else if (matched)
            {
                declinedButMatched++;
            }

            Assert.Equal(Reference(regex, line), ParserHarness.Run(parser, line));
        }

        // The corpus must exercise both paths.
        Assert.True(scanned > 1000, $"only {scanned} lines scanned");
        Assert.True(declinedButMatched > 100, $"only {declinedButMatched} declined lines matched the regex");
    }

    [Fact]
    public void SameSecondTwice_SameTime()
    {
        var parser = ParserHarness.Create("@type apache2");
        var line = Encoding.UTF8.GetBytes(Line);
        var first = ParserHarness.Run(parser, line);
        Assert.Equal(first, ParserHarness.Run(parser, line));
        Assert.StartsWith("{\"time\":\"2013-02-28T03:00:00.000000000Z\"", first[0], StringComparison.Ordinal);
    }

    private static ByteMatcher Runtime()
    {
        Assert.True(RubyRegex.TryParseLiteral(Apache2Parser.Expression, out var regex, out var error), error);
        return new ByteMatcher(regex!);
    }

    /// <summary>What apache2 gave before the scanner: the run-time regex, then Fluentd's apache2 field rules.</summary>
    private static List<string> Reference(ByteMatcher regex, byte[] line)
    {
        var groups = new (int Start, int Length)[9];
        var time = default(Tailship.Events.EventTime);
        var timeParser = Tailship.Text.Strptime.Create(Apache2Parser.TimeFormat);
        if (!regex.TryMatch(line, groups)
            || !timeParser.TryParse(line.AsSpan(groups[2].Start, groups[2].Length), Tailship.Text.TimeZoneSpec.Utc, ParserHarness.ReadTime, out time))
        {
            return [ParserHarness.Run(new NeverParser(), line)[0]];
        }

        var record = new Tailship.Events.Record();
        Tailship.Events.RecordValue Text(int i, bool dashIsNull) =>
            groups[i].Start < 0 || (dashIsNull && groups[i].Length == 1 && line[groups[i].Start] == '-')
                ? Tailship.Events.RecordValue.Null
                : Tailship.Events.RecordValue.FromUtf8(line, groups[i].Start, groups[i].Length);
        long Number(int i) => Tailship.Text.RubyNumbers.ToI(line.AsSpan(groups[i].Start, groups[i].Length));
        record.Append("host", Text(0, true));
        record.Append("user", Text(1, true));
        record.Append("method", Text(3, false));
        record.Append("path", Text(4, false));
        record.Append("code", Number(5) == 0 ? Tailship.Events.RecordValue.Null : Number(5));
        record.Append("size", line.AsSpan(groups[6].Start, groups[6].Length).SequenceEqual("-"u8) ? Tailship.Events.RecordValue.Null : Number(6));
        record.Append("referer", Text(7, true));
        record.Append("agent", Text(8, true));
        return [ParserHarness.Render(time, record)];
    }

    private sealed class NeverParser : Tailship.Plugins.IParser
    {
        public bool Parse(ReadOnlySpan<byte> text, Tailship.Events.EventTime readTime, Action<Tailship.Events.EventTime, Tailship.Events.Record> emit) => false;
    }
}
