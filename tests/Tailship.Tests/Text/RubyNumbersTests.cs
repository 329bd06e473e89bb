using System.Text;
using Tailship.Events;
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

    [Fact]
    public void ToF_LongDigitRun_KeepsEveryDigit()
    {
        // 300 digits: a copy cut at a fixed buffer size would give 1e55 or so.
        Assert.Equal(1e299, RubyNumbers.ToF(Encoding.UTF8.GetBytes("1" + new string('0', 299) + ".5kg")));
        Assert.Equal(0.5, RubyNumbers.ToF(Encoding.UTF8.GetBytes(new string(' ', 500) + ".5")));
    }

    [Theory]
    [InlineData("  12.5e1 apples", 125.0)]
    [InlineData("1_000", 1000.0)]
    [InlineData("été 3", 0.0)]
    [InlineData("-.25", -0.25)]
    public void RubyConversionsToF_SameForStringsAndUtf8(string text, double expected)
    {
        Assert.True(RubyConversions.TryToF(RecordValue.From(text), out var fromString));
        Assert.True(RubyConversions.TryToF(RecordValue.FromUtf8(Encoding.UTF8.GetBytes(text)), out var fromUtf8));
        Assert.Equal(expected, fromString);
        Assert.Equal(expected, fromUtf8);
    }
}
