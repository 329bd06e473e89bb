using System.Text;
using Tailship.Config;
using Tailship.Parsers;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Parsers;

public sealed class RubyRegexTests
{
    private static Record? Match(string literal, string input)
    {
        Assert.True(RubyRegex.TryParseLiteral(literal, out var regex, out var error), error);
        var record = new Record();
        var bytes = Encoding.UTF8.GetBytes(input);
        return new ByteMatcher(regex!).TryMatch(bytes, bytes.Length, record) ? record : null;
    }

    [Fact]
    public void HexEscape_MeansHexDigit()
    {
        Assert.Equal("c0ffee", Match(@"/^(?<h>\h+)$/", "c0ffee")!["h"].AsString);
        Assert.Null(Match(@"/^(?<h>\h+)$/", "coffee"));
    }

    [Fact]
    public void FlagM_MakesDotMatchNewline()
    {
        Assert.Equal("a\nb", Match("/^(?<all>.+)$/m", "a\nb")?["all"].AsString?[..3]);
        Assert.Equal("a", Match("/^(?<all>.+)/", "a\nb")!["all"].AsString);
        Assert.Equal("a\nb", Match("/(?m)(?<all>a.b)/", "a\nb")!["all"].AsString);
    }

    [Fact]
    public void Anchors_AreRubyLineAnchors()
    {
        // Ruby's ^ and $ match at every line; \A and \z only at the ends.
        Assert.NotNull(Match("/^(?<b>b)$/", "a\nb\nc"));
        Assert.Null(Match(@"/\A(?<b>b)\z/", "a\nb\nc"));
        Assert.NotNull(Match(@"/\A(?<b>b)\Z/", "b\n"));
    }

    [Fact]
    public void FlagI_IgnoresCase() => Assert.NotNull(Match("/^(?<w>hello)$/i", "HeLLo"));

    [Fact]
    public void DigitClass_IsAsciiOnly() => Assert.Null(Match(@"/^(?<d>\d+)$/", "١٢٣"));

    [Fact]
    public void PlainGroups_DoNotCaptureBesideNamedOnes()
    {
        var record = Match("/^(a|b)(?<x>c)$/", "ac")!;
        Assert.Equal(["x"], record.Select(kv => kv.Key));
    }

    [Fact]
    public void NonAsciiLiteral_MatchesItsUtf8Bytes()
    {
        var record = Match("/^(?<a>.*)→(?<b>.*)$/", "левый→правый")!;
        Assert.Equal("левый", record["a"].AsString);
        Assert.Equal("правый", record["b"].AsString);
    }

    [Fact]
    public void InvalidUtf8_InCaptures_IsKept()
    {
        Assert.True(RubyRegex.TryParseLiteral("/^(?<a>[^ ]*) (?<b>.*)$/", out var regex, out _));
        byte[] line = [0xff, 0xfe, 0x20, 0xc3, 0x28];
        var record = new Record();
        Assert.True(new ByteMatcher(regex!).TryMatch(line, line.Length, record));
        Assert.Equal(new byte[] { 0xff, 0xfe }, record["a"].Utf8.ToArray());
        Assert.Equal(new byte[] { 0xc3, 0x28 }, record["b"].Utf8.ToArray());
    }

    [Fact]
    public void BarePattern_WithoutSlashes_IsAccepted() => Assert.NotNull(Match("^(?<x>a)$", "a"));

    [Theory]
    [InlineData("/a++/", "possessive")]
    [InlineData(@"/a\Kb/", "Ruby-only syntax")]
    [InlineData("/(?P<x>a)/", "(?<name>...)")]
    [InlineData("/a/q", "invalid regexp flag 'q'")]
    [InlineData("/(unclosed/", "invalid regexp")]
    public void Unsupported_IsRefusedWithReason(string literal, string expected)
    {
        Assert.False(RubyRegex.TryParseLiteral(literal, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RegexpParser_WithoutNamedGroups_IsRefused()
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(ParserHarness.TryCreate("@type regexp\nexpression /^(a)$/", diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("no named captures", StringComparison.Ordinal));
    }

    [Fact]
    public void RegexpParser_WithoutExpression_IsRefused()
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(ParserHarness.TryCreate("@type regexp", diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("missing required parameter 'expression'", StringComparison.Ordinal));
    }

    [Fact]
    public void Timeout_TurnsARunawayMatchIntoNoMatch()
    {
        var parser = ParserHarness.Create("@type regexp\nexpression /^(?<a>(x+x+)+y)$/\ntimeout 0.05");
        var line = Encoding.ASCII.GetBytes(new string('x', 5000));
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(parser.Parse(line, ParserHarness.ReadTime, (_, _) => Assert.Fail("no event expected")));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10));
    }
}
