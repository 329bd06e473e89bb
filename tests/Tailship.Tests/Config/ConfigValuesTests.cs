using Tailship.Config;

namespace Tailship.Tests.Config;

public sealed class ConfigValuesTests
{
    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("8k", 8L * 1024)]
    [InlineData("256m", 256L * 1024 * 1024)]
    [InlineData("1g", 1L << 30)]
    [InlineData("2T", 2L << 40)]
    public void Size_WithSuffix_IsPowersOf1024(string raw, long expected)
    {
        Assert.True(ConfigValues.TryParseSize(raw, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("30", 30)]
    [InlineData("1.5", 1.5)]
    [InlineData("10s", 10)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("1d", 86400)]
    public void Time_WithUnit_IsSeconds(string raw, double seconds)
    {
        Assert.True(ConfigValues.TryParseTime(raw, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void Integer_NotANumber_IsRejectedWithWhatWasFound()
    {
        var spec = ParamSpec.Integer("rate", 1, "events per second");
        Assert.False(ConfigValues.TryParse(spec, "abc", out _, out var error));
        Assert.Equal("expected an integer, found 'abc'", error);
    }

    [Fact]
    public void Hash_PlainAndJson_GiveSamePairs()
    {
        Assert.True(ConfigValues.TryParseHash("a:1, b : x:y", out var plain, out _));
        Assert.True(ConfigValues.TryParseHash("{\"a\":1,\"b\":\"x:y\"}", out var json, out _));
        Assert.Equal(plain, json);
    }

    [Fact]
    public void Enum_Typo_SuggestsClosest()
    {
        var spec = ParamSpec.Enum("store_as", "gzip", ["gzip", "text", "json", "zstd"], "compression");
        Assert.False(ConfigValues.TryParse(spec, "txt", out _, out var error));
        Assert.Contains("did you mean 'text'?", error, StringComparison.Ordinal);
    }
}
