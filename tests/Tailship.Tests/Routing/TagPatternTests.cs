using Tailship.Routing;

namespace Tailship.Tests.Routing;

public sealed class TagPatternTests
{
    [Theory]
    // Plain tags.
    [InlineData("a", "a", true)]
    [InlineData("a.b", "a.b", true)]
    [InlineData("a", "b", false)]
    [InlineData("a.b", "aab", false)]
    [InlineData("a.b", "a", false)]
    [InlineData("a", "a.b", false)]
    // * is one tag part, possibly empty; it never crosses a dot.
    [InlineData("*", "a", true)]
    [InlineData("*", "a.b", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "abc", true)]
    [InlineData("*a", "cba", true)]
    [InlineData("*a*", "cbabc", true)]
    [InlineData("a*b", "acb", true)]
    [InlineData("a*b", "a.b", false)]
    [InlineData("a.*", "a.b", true)]
    [InlineData("a.*", "a", false)]
    [InlineData("a.*", "a.b.c", false)]
    [InlineData("a.*", "a.", true)]
    [InlineData("*.b", "a.b", true)]
    [InlineData("*.b", "a.c.b", false)]
    [InlineData("a.*.c", "a.b.c", true)]
    [InlineData("a.*.c", "a.b.b.c", false)]
    // ** is zero or more parts; the dot next to it is optional.
    [InlineData("**", "", true)]
    [InlineData("**", "a.b.c", true)]
    [InlineData("a.**", "a", true)]
    [InlineData("a.**", "a.b", true)]
    [InlineData("a.**", "a.b.c", true)]
    [InlineData("a.**", "ab", false)]
    [InlineData("a.**", "b.a", false)]
    [InlineData("a.b.**", "a.b", true)]
    [InlineData("a.b.**", "a.bc", false)]
    [InlineData("a.b.**", "a", false)]
    [InlineData("**.a", "a", true)]
    [InlineData("**.a", "b.a", true)]
    [InlineData("**.a", "c.b.a", true)]
    [InlineData("**.a", "ba", false)]
    [InlineData("**.a", "a.b", false)]
    [InlineData("a.**.b", "a.b", true)]
    [InlineData("a.**.b", "a.x.b", true)]
    [InlineData("a.**.b", "a.x.y.b", true)]
    [InlineData("a.**.b", "ab", false)]
    [InlineData("a.**.b", "a.xb", false)]
    [InlineData("a**", "ab.c", true)]
    [InlineData("*.**", "a", true)]
    [InlineData("*.**", "a.b.c", true)]
    // {x,y} alternatives, each a pattern, nestable.
    [InlineData("{a,b}", "a", true)]
    [InlineData("{a,b}", "b", true)]
    [InlineData("{a,b}", "c", false)]
    [InlineData("{a,b}", "ab", false)]
    [InlineData("{a,b}.c", "a.c", true)]
    [InlineData("{a,b}.c", "c.c", false)]
    [InlineData("a.{b,c}", "a.c", true)]
    [InlineData("a.{b,c}.*", "a.b.x", true)]
    [InlineData("a.{b,c}.*", "a.d.x", false)]
    [InlineData("a.{b,c.**}", "a.b", true)]
    [InlineData("a.{b,c.**}", "a.c", true)]
    [InlineData("a.{b,c.**}", "a.c.d.e", true)]
    [InlineData("a.{b,c.**}", "a.b.d", false)]
    [InlineData("{a,{b,c}}", "c", true)]
    [InlineData("{a,{b,c}}", "d", false)]
    [InlineData("{a.{b,c},d}", "a.c", true)]
    [InlineData("{a.{b,c},d}", "d", true)]
    [InlineData("{a.{b,c},d}", "a.d", false)]
    [InlineData("{a,}", "", true)]
    [InlineData("{a,b", "b", true)]
    // Outside braces , and } are plain characters.
    [InlineData("a,b", "a,b", true)]
    [InlineData("a,b", "a", false)]
    [InlineData("a}", "a}", true)]
    // Escapes and regex characters are literal.
    [InlineData(@"a\*", "a*", true)]
    [InlineData(@"a\*", "ab", false)]
    [InlineData(@"a\.b", "a.b", true)]
    [InlineData("a-b", "a-b", true)]
    [InlineData("a+b", "a+b", true)]
    [InlineData("a+b", "aab", false)]
    [InlineData("a?b", "a?b", true)]
    [InlineData("a?b", "axb", false)]
    [InlineData("a(b)", "a(b)", true)]
    [InlineData("a[b]", "ab", false)]
    [InlineData("a$", "a$", true)]
    [InlineData("ä.*", "ä.x", true)]
    // A trailing dot is dropped, as in Fluentd.
    [InlineData("a.", "a", true)]
    [InlineData("a.", "a.", false)]
    [InlineData("a..b", "a..b", true)]
    // /regex/ must match the whole tag.
    [InlineData(@"/a\.[0-9]+/", "a.12", true)]
    [InlineData(@"/a\.[0-9]+/", "a.x", false)]
    [InlineData(@"/a\.[0-9]+/", "xa.1", false)]
    [InlineData(@"/a\.[0-9]+/", "a.1x", false)]
    [InlineData(@"/(?!a\.).*/", "b.x", true)]
    [InlineData(@"/(?!a\.).*/", "a.x", false)]
    [InlineData("/a|b/", "b", true)]
    [InlineData("/a|b/", "ab", false)]
    // Several patterns separated by whitespace: any of them.
    [InlineData("a b", "a", true)]
    [InlineData("a b", "b", true)]
    [InlineData("a b", "c", false)]
    [InlineData("a.** b.*", "a", true)]
    [InlineData("a.** b.*", "a.b.c", true)]
    [InlineData("a.** b.*", "b.d", true)]
    [InlineData("a.** b.*", "b", false)]
    [InlineData("  a \t b  ", "b", true)]
    [InlineData("fluent.warn fluent.error", "fluent.error", true)]
    [InlineData("fluent.{trace,debug}", "fluent.info", false)]
    public void IsMatch_FollowsFluentdGlobRules(string pattern, string tag, bool expected)
    {
        Assert.Equal(expected, TagPattern.Parse(pattern).IsMatch(tag));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void TryParse_Empty_FailsWithMessage(string text)
    {
        Assert.False(TagPattern.TryParse(text, out var pattern, out var error));
        Assert.Null(pattern);
        Assert.Equal("empty match pattern", error);
    }

    [Fact]
    public void TryParse_InvalidRegex_NamesThePattern()
    {
        Assert.False(TagPattern.TryParse("ok /a(/", out _, out var error));
        Assert.StartsWith("invalid match pattern '/a(/'", error);
    }

    [Theory]
    [InlineData("a.**", @"a(?![^.]).*")]
    [InlineData("**.a", @"(?:.*\.|\A)a")]
    [InlineData("a.*", @"a\.[^.]*")]
    [InlineData("{a,b}", "(?:a|b)")]
    public void GlobToRegex_TranslatesLikeFluentd(string glob, string regex)
    {
        Assert.Equal(regex, TagMatcher.GlobToRegex(glob, out var literal));
        Assert.Null(literal);
    }

    [Fact]
    public void GlobToRegex_PlainTag_IsLiteral()
    {
        TagMatcher.GlobToRegex(@"app.acc\*ess", out var literal);
        Assert.Equal("app.acc*ess", literal);
    }
}
