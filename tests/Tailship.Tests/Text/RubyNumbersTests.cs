using System.Text;
using Tailship.Text;

namespace Tailship.Tests.Text;

public sealed class RubyNumbersTests
{
    [Theory]
    [InlineData("12abc", 12)]
    [InlineData("abc", 0)]
    [InlineData("0x1A", 0)]
    [InlineData("  -42 ", -42)]
    [InlineData("+7", 7)]
    [InlineData("1_000", 1000)]
    [InlineData("1__000", 1)]
    [InlineData("_1", 0)]
    [InlineData("3.99", 3)]
    [InlineData("", 0)]
    [InlineData("99999999999999999999999", long.MaxValue)]
    public void ToI_FollowsRuby(string text, long expected) =>
        Assert.Equal(expected, RubyNumbers.ToI(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("1_000.5", 1000.5)]
    [InlineData("abc", 0.0)]
    [InlineData("0x1A", 0.0)]
    [InlineData("12.5kg", 12.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1e", 1.0)]
    [InlineData("-2.5E-1x", -0.25)]
    [InlineData("7.", 7.0)]
    public void ToF_FollowsRuby(string text, double expected) =>
        Assert.Equal(expected, RubyNumbers.ToF(Encoding.UTF8.GetBytes(text)));
}
