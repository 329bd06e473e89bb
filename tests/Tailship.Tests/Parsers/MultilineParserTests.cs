using System.Text;
using Tailship.Config;
using Tailship.Parsers;

namespace Tailship.Tests.Parsers;

public sealed class MultilineParserTests
{
    private const string Config = """
        @type multiline
        format_firstline /^\[\d+\]/
        format1 /^\[(?<id>\d+)\] (?<first>[^\n]*)/
        format2 /\n?(?<rest>.*)/
        """;

    [Fact]
    public void FirstLine_IsDetectedByFormatFirstline()
    {
        var parser = Assert.IsAssignableFrom<IMultilineParser>(ParserHarness.Create(Config));
        Assert.True(parser.HasFirstLine);
        Assert.True(parser.IsFirstLine("[1] start"u8));
        Assert.False(parser.IsFirstLine("  continuation"u8));
    }

    [Fact]
    public void Grouping_JoinsContinuationLinesWithNewlines()
    {
        var parser = (IMultilineParser)ParserHarness.Create(Config);
        var lines = new List<byte[]> { "[1] one"u8.ToArray(), "  a"u8.ToArray(), "  b"u8.ToArray(), "[2] two"u8.ToArray() };
        var groups = GoldenParserTests.Group(lines, parser);
        Assert.Equal(["[1] one\n  a\n  b", "[2] two"], groups.Select(Encoding.UTF8.GetString));
        Assert.Equal(
            """{"time":"2026-11-26T01:20:00.500000000Z","record":{"id":"1","first":"one","rest":"  a\n  b"}}""",
            Assert.Single(ParserHarness.Run(parser, groups[0])));
    }

    [Fact]
    public void WithoutFirstline_EveryLineStartsAnEvent()
    {
        var parser = (IMultilineParser)ParserHarness.Create("@type multiline\nformat1 /^(?<m>.*)$/");
        Assert.False(parser.HasFirstLine);
        Assert.True(parser.IsFirstLine("anything"u8));
    }

    [Theory]
    [InlineData("format1 /(?<a>x)/\nformat3 /(?<b>y)/", "jump of format index found: format2 is missing")]
    [InlineData("format1 (?<a>x)", "format should be a regexp written /.../")]
    [InlineData("format1 /(x)/", "no named captures")]
    [InlineData("format_firstline /x/", "multiline needs format1")]
    [InlineData("format1 /(?<a>x/", "invalid regexp")]
    public void BadFormats_AreRefused(string config, string expected)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(ParserHarness.TryCreate("@type multiline\n" + config, diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains(expected, StringComparison.Ordinal));
    }
}
