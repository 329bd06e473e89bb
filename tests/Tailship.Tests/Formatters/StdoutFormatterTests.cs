using Tailship.Events;
using Tailship.Formatters.Stdout;
using Tailship.Text;
using static Tailship.Tests.Formatters.FormatterHarness;

namespace Tailship.Tests.Formatters;

public sealed class StdoutFormatterTests
{
    [Fact]
    public void Json_IsOutStdoutLayout()
    {
        var formatter = new StdoutFormatter(Options<StdoutFormatterOptions>("stdout"), TimeZoneSpec.FromOffset(TimeSpan.Zero));
        Assert.Equal("2024-01-01 10:00:00.000000000 +0000 app.log: {\"message\":\"hi\"}\n", FormatText(formatter, Message("hi"), "app.log"));
    }

    [Fact]
    public void Hash_InLocalZoneWithNanoseconds()
    {
        Assert.True(TimeZones.TryParse("Asia/Kolkata", out var kolkata, out _));
        var formatter = new StdoutFormatter(Options<StdoutFormatterOptions>("stdout", ("output_type", "hash")), kolkata);
        var text = FormatText(formatter, Message("hi"), "t", EventTime.FromSeconds(1704103200, 5));
        Assert.Equal("2024-01-01 15:30:00.000000005 +0530 t: {\"message\"=>\"hi\"}\n", text);
    }

    [Fact]
    public void UnknownOutputType_IsAConfigError()
    {
        var (options, diagnostics) = Bind<StdoutFormatterOptions>("stdout", ("output_type", "jsn"));
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("did you mean 'json'", StringComparison.Ordinal));
    }
}
