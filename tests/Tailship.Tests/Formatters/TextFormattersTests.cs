using Tailship.Events;
using static Tailship.Tests.Formatters.FormatterHarness;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Formatters;

/// <summary>ltsv, single_value and csv: values as Ruby's to_s writes them.</summary>
public sealed class TextFormattersTests
{
    private static Record Sample()
    {
        var r = new Record();
        r.Append("host", "192.168.0.1");
        r.Append("method", "PUT");
        r.Append("size", 777L);
        r.Append("ratio", 1.0e-07);
        r.Append("none", RecordValue.Null);
        return r;
    }

    [Fact]
    public void Ltsv_Default_LabelsAndTabs() =>
        Assert.Equal("host:192.168.0.1\tmethod:PUT\tsize:777\tratio:1.0e-07\tnone:\n", FormatText(Build("ltsv"), Sample()));

    [Fact]
    public void Ltsv_DelimiterInValue_IsReplaced()
    {
        var r = new Record();
        r.Append("a", "x\ty");
        r.Append("b", RecordValue.FromUtf8("p\tq"u8.ToArray()));
        r.Append("c", RecordValue.FromArray(["t\tu", 1L]));
        Assert.Equal("a:x y\tb:p q\tc:[\"t\\tu\", 1]\n", FormatText(Build("ltsv"), r));
        Assert.Equal("a:x_y\tb:p_q\tc:[\"t\\tu\", 1]", FormatText(Build("ltsv", ("replacement", "_"), ("add_newline", "false")), r));
    }

    [Fact]
    public void Ltsv_CustomDelimiters() =>
        Assert.Equal("host=192.168.0.1,method=PUT,size=777,ratio=1.0e-07,none=\n", FormatText(Build("ltsv", ("delimiter", ","), ("label_delimiter", "=")), Sample()));

    [Fact]
    public void SingleValue_WritesTheMessageOnly() =>
        Assert.Equal("hello world\n", FormatText(Build("single_value"), Message("hello world")));

    [Fact]
    public void SingleValue_InvalidUtf8Bytes_AreCopiedUnchanged()
    {
        var r = new Record();
        r.Append("message", RecordValue.FromUtf8([0x61, 0xff, 0xfe, 0x62]));
        Assert.Equal(new byte[] { 0x61, 0xff, 0xfe, 0x62, 0x0a }, FormatBytes(Build("single_value"), r));
    }

    [Fact]
    public void SingleValue_OtherKeyMissingOrNumber()
    {
        Assert.Equal("\n", FormatText(Build("single_value", ("message_key", "log")), Message("x")));
        Assert.Equal("777", FormatText(Build("single_value", ("message_key", "size"), ("add_newline", "false")), Sample()));
    }

    [Fact]
    public void Csv_ForceQuotes_QuotesEveryValueAndNil() =>
        Assert.Equal("\"192.168.0.1\",\"PUT\",\"777\",\"\",\"\"\n", FormatText(Build("csv", ("fields", "host,method,size,none,missing")), Sample()));

    [Fact]
    public void Csv_NoForceQuotes_QuotesOnlyWhatNeedsIt()
    {
        var r = new Record();
        r.Append("a", "plain");
        r.Append("b", "x,y");
        r.Append("c", "say \"hi\"");
        r.Append("d", string.Empty);
        r.Append("e", "line\nbreak");
        r.Append("f", RecordValue.Null);
        r.Append("g", 1.5);
        var text = FormatText(Build("csv", ("fields", "a,b,c,d,e,f,g"), ("force_quotes", "false")), r);
        Assert.Equal("plain,\"x,y\",\"say \"\"hi\"\"\",\"\",\"line\nbreak\",,1.5\n", text);
    }

    [Fact]
    public void Csv_TabDelimiterAndNestedField()
    {
        var inner = new Record();
        inner.Append("p", "deep");
        var r = Sample();
        r.Append("k", RecordValue.FromMap(inner));
        Assert.Equal("\"PUT\"\t\"deep\"", FormatText(Build("csv", ("fields", "method,$.k.p"), ("delimiter", "TAB"), ("add_newline", "false")), r));
    }

    [Fact]
    public void Csv_WithoutFields_IsAConfigError()
    {
        var (options, diagnostics) = Bind<object>("csv");
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("missing required parameter 'fields'", StringComparison.Ordinal));
    }
}
