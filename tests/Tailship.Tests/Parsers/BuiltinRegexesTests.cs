using System.Text.RegularExpressions;
using Tailship.Parsers;

namespace Tailship.Tests.Parsers;

public sealed class BuiltinRegexesTests
{
    public static TheoryData<string> Literals() => [.. BuiltinRegexes.All.Select(p => p.Literal)];

    [Theory]
    [MemberData(nameof(Literals))]
    public void BuildTimeRegex_EqualsRuntimeTranslationOfFluentdLiteral(string literal)
    {
        var generated = BuiltinRegexes.All.Single(p => p.Literal == literal).Regex;
        Assert.True(RubyRegex.TryParseLiteral(literal, out var runtime, out var error), error);

        Assert.Equal(runtime!.ToString(), generated.ToString());
        Assert.Equal(runtime.Options & ~RegexOptions.Compiled, generated.Options);
        Assert.Equal(runtime.GetGroupNames(), generated.GetGroupNames());

        // A source-generated regex is a subclass; a run-time one (interpreted under AOT) is Regex itself.
        Assert.NotEqual(typeof(Regex), generated.GetType());
    }

    [Theory]
    [MemberData(nameof(Literals))]
    public void BuildTimeRegex_MatchesLikeRuntimeRegex_OnGeneratedLines(string literal)
    {
        var generated = BuiltinRegexes.Matcher(literal);
        Assert.True(RubyRegex.TryParseLiteral(literal, out var regex, out var error), error);
        var runtime = new ByteMatcher(regex!);
        var count = runtime.GroupNames.Count;
        Span<(int, int)> expected = new (int, int)[count];
        Span<(int, int)> actual = new (int, int)[count];
        var matched = 0;
        foreach (var line in GeneratedLogLines.Create(4000, seed: 7))
        {
            var ok = runtime.TryMatch(line, expected);
            Assert.Equal(ok, generated.TryMatch(line, actual));
            if (ok)
            {
                matched++;
                Assert.True(expected.SequenceEqual(actual), System.Text.Encoding.Latin1.GetString(line));
            }
        }

        Assert.True(matched > 50, $"only {matched} lines matched {literal}: the corpus does not exercise it");
    }

    [Fact]
    public void PresetWithoutTimeout_UsesBuildTimeRegex_WithTimeout_RuntimeRegex()
    {
        var diagnostics = new Tailship.Config.DiagnosticBag();
        var preset = ParserHarness.TryCreate("@type nginx", diagnostics);
        var timed = ParserHarness.TryCreate("@type nginx\ntimeout 10s", diagnostics);
        Assert.Empty(diagnostics.Items);
        var line = "127.0.0.1 192.168.0.1 - [28/Feb/2013:12:00:00 +0900] \"GET / HTTP/1.1\" 200 777 \"-\" \"Opera/12.0\""u8;
        Assert.Equal(ParserHarness.Run(timed!, line), ParserHarness.Run(preset!, line));
        Assert.Same(BuiltinRegexes.Matcher(Tailship.Parsers.Nginx.NginxParser.Expression), PresetMatcher(preset!));
        Assert.NotSame(BuiltinRegexes.Matcher(Tailship.Parsers.Nginx.NginxParser.Expression), PresetMatcher(timed!));
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("apache")]
    [InlineData("apache_error")]
    public void Preset_ParsesGeneratedLinesLikeRuntimeRegex(string type)
    {
        // A timeout makes the preset compile its pattern at run time, as it did before the build-time regexes.
        var fast = ParserHarness.Create("@type " + type);
        var runtime = ParserHarness.Create($"@type {type}\ntimeout 1h");
        var parsed = 0;
        foreach (var line in GeneratedLogLines.Create(4000, seed: 11))
        {
            var expected = ParserHarness.Run(runtime, line);
            Assert.Equal(expected, ParserHarness.Run(fast, line));
            parsed += expected[0].StartsWith("{\"time\"", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.True(parsed > 50, $"only {parsed} lines parsed as {type}");
    }

    private static ByteMatcher PresetMatcher(Tailship.Plugins.IParser parser) =>
        ((Tailship.Parsers.Regexp.RegexpParser)parser).Matcher;
}
