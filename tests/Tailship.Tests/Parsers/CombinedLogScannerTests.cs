using System.Text;
using Tailship.Parsers;
using Tailship.Parsers.Apache2;
using Tailship.Parsers.Nginx;

namespace Tailship.Tests.Parsers;

public sealed class CombinedLogScannerTests
{
    private const string Line = "192.168.0.1 - bob [28/Feb/2013:12:00:00 +0900] \"GET /index.html HTTP/1.1\" 200 777 \"-\" \"Opera/12.0\"";

    [Fact]
    public void GroupOrder_IsTheRegexGroupOrder()
    {
        Assert.Equal(CombinedLogScanner.Apache2.GroupNames, Runtime(Apache2Parser.Expression).GroupNames);
        Assert.Equal(CombinedLogScanner.Nginx.GroupNames, Runtime(NginxParser.Expression).GroupNames);
    }

    [Theory]
    [InlineData(Line)]
    [InlineData("::1 - - [28/Feb/2013:12:00:00 +0000] \"GET /a b c HTTP/1.1\" 200 1")]
    [InlineData("h i u [t] \"GET   /p   HTTP/1.1  \" 200 777 \"\" \"\"")]
    [InlineData("h i u [t] \"GET \" 200 777")]
    [InlineData("h i u [t] \"GET /ünï\" 200 ")]
    [InlineData(" - - [] \"M p\" 1 2")]
    [InlineData("h i u [t] \"GET /a\\b HTTP/1.1\" 200 777 \"r\\\" \"a\"")] // nginx only: backslashes are plain bytes
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777 \"r\" \"a\"  10.0.0.1,10.0.0.2")] // nginx only: http_x_forwarded_for
    public void WellFormedLine_ScannedLikeTheRegex(string text)
    {
        var line = Encoding.UTF8.GetBytes(text);
        var scanned = 0;
        foreach (var (scanner, literal) in Scanners())
        {
            var expected = new (int, int)[scanner.GroupNames.Count];
            var actual = new (int, int)[scanner.GroupNames.Count];
            var matched = Runtime(literal).TryMatch(line, expected);
            if (scanner.TryScan(line, actual))
            {
                scanned++;
                Assert.True(matched);
                Assert.Equal(expected, actual);
            }
        }

        Assert.True(scanned > 0, "no scanner took the line");
    }

    [Theory]
    [InlineData("h i u [t] \"GET\" 200 777")] // no space in the request: the regex may backtrack
    [InlineData("h i u [t] \"GET /a\\\"b HTTP/1.1\" 200 777")] // an escaped quote
    [InlineData("h i u [t] \"GET /\tx\" 200 777")] // a TAB
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777 \"r\" \"a\" ex tra")]
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777 \"r\" \"a \"q\" b\"")]
    [InlineData("h i u [t] \"GET / HTTP/1.1\" 200 777\nh i u [t] \"GET / HTTP/1.1\" 200 777")]
    public void LineTheScannerCannotDecide_IsDeclined(string text)
    {
        foreach (var (scanner, _) in Scanners())
        {
            Assert.False(scanner.TryScan(Encoding.UTF8.GetBytes(text), new (int, int)[scanner.GroupNames.Count]));
        }
    }

    [Fact]
    public void GeneratedLines_ScannerAgreesWithRegex()
    {
        var lines = GeneratedLogLines.Create(40_000, seed: 3);
        foreach (var (scanner, literal) in Scanners())
        {
            var regex = Runtime(literal);
            var expected = new (int, int)[scanner.GroupNames.Count];
            var actual = new (int, int)[scanner.GroupNames.Count];
            int scanned = 0, declinedButMatched = 0;
            foreach (var line in lines)
            {
                var matched = regex.TryMatch(line, expected);
                if (scanner.TryScan(line, actual))
                {
                    scanned++;
                    Assert.True(matched, "scanned, but the regex does not match: " + Encoding.Latin1.GetString(line));
                    Assert.True(expected.AsSpan().SequenceEqual(actual), "groups differ: " + Encoding.Latin1.GetString(line));
                }
                else if (matched)
                {
                    declinedButMatched++;
                }
            }

            // The corpus must exercise both paths.
            Assert.True(scanned > 1000, $"only {scanned} lines scanned");
            Assert.True(declinedButMatched > 100, $"only {declinedButMatched} declined lines matched the regex");
        }
    }

    [Fact]
    public void GeneratedLines_Apache2ParserOutputUnchanged()
    {
        var regex = Runtime(Apache2Parser.Expression);
        var parser = ParserHarness.Create("@type apache2");
        foreach (var line in GeneratedLogLines.Create(40_000, seed: 3))
        {
            Assert.Equal(Reference(regex, line), ParserHarness.Run(parser, line));
        }
    }

    private static (CombinedLogScanner Scanner, string Literal)[] Scanners() =>
        [(CombinedLogScanner.Apache2, Apache2Parser.Expression), (CombinedLogScanner.Nginx, NginxParser.Expression)];

    [Fact]
    public void SameSecondTwice_SameTime()
    {
        var parser = ParserHarness.Create("@type apache2");
        var line = Encoding.UTF8.GetBytes(Line);
        var first = ParserHarness.Run(parser, line);
        Assert.Equal(first, ParserHarness.Run(parser, line));
        Assert.StartsWith("{\"time\":\"2013-02-28T03:00:00.000000000Z\"", first[0], StringComparison.Ordinal);
    }

    private static ByteMatcher Runtime(string literal)
    {
        Assert.True(RubyRegex.TryParseLiteral(literal, out var regex, out var error), error);
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
