using System.Text;
using Tailship.Events;
using Tailship.Formatters.Json;

namespace Tailship.Tests.Formatters.Json;

public sealed class RubyFloatWriterTests
{
    [Theory]
    [InlineData(1000.0, "1000.0")]
    [InlineData(1.0e-07, "1.0e-07")]
    [InlineData(6.02214076e+23, "6.02214076e+23")]
    [InlineData(1.0e+20, "1.0e+20")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(123456789.12345679, "123456789.12345679")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1.0e-05")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1.0e+16")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(5e-324, "5.0e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Value_IsRubyFloatToS(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[RubyFloatWriter.MaxLength];
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..RubyFloatWriter.Write(value, buffer)]));
    }

    [Fact]
    public void RandomDoubles_MatchTheStringForm()
    {
        var random = new Random(12345);
        var buffer = new byte[RubyFloatWriter.MaxLength];
        for (var i = 0; i < 20000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            var n = RubyFloatWriter.Write(value, buffer);
            Assert.Equal(RubyFloat.ToString(value), Encoding.ASCII.GetString(buffer, 0, n));
        }
    }
}
