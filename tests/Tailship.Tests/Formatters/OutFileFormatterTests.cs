using System.Text;
using Tailship.Events;
using Tailship.Formatters.OutFile;
using Tailship.Text;
using static Tailship.Tests.Formatters.FormatterHarness;

namespace Tailship.Tests.Formatters;

public sealed class OutFileFormatterTests
{
    private static readonly TimeZoneSpec UtcZone = TimeZoneSpec.FromTimeZoneInfo(TimeZoneInfo.FindSystemTimeZoneById("UTC"), "UTC");

    private static OutFileFormatter Create(TimeZoneSpec? local = null, params (string Key, string Value)[] parameters) =>
        new(Options<OutFileOptions>("out_file", parameters), local ?? UtcZone);

    [Fact]
    public void Default_LocalUtc_IsIsoWithNumericOffsetTabTagJson()
    {
        var text = FormatText(Create(), Message("hello"), "count.format1");
        Assert.Equal("2024-01-01T10:00:00+00:00\tcount.format1\t{\"message\":\"hello\"}\n", text);
    }

    [Fact]
    public void UtcTrue_EndsInZ()
    {
        var text = FormatText(Create(null, ("utc", "true")), Message("x"), "t", EventTime.FromSeconds(1704484800));
        Assert.Equal("2024-01-05T20:00:00Z\tt\t{\"message\":\"x\"}\n", text);
    }

    [Fact]
    public void TimezoneOffset_ShowsThatOffset()
    {
        var text = FormatText(Create(null, ("timezone", "+09:00")), Message("x"), "t");
        Assert.Equal("2024-01-01T19:00:00+09:00\tt\t{\"message\":\"x\"}\n", text);
    }

    [Fact]
    public void LocalKolkata_ShowsPlus0530()
    {
        var kolkata = TimeZoneSpec.FromTimeZoneInfo(TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        var text = FormatText(Create(kolkata), Message("x"), "t", EventTime.FromSeconds(1704484800));
        Assert.Equal("2024-01-06T01:30:00+05:30\tt\t{\"message\":\"x\"}\n", text);
    }

    [Fact]
    public void TimezoneName_ShowsItsOffset()
    {
        var text = FormatText(Create(null, ("timezone", "Asia/Tokyo")), Message("x"), "t");
        Assert.StartsWith("2024-01-01T19:00:00+09:00\t", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeFormatWithNanoseconds_ShowsFraction()
    {
        var time = EventTime.FromSeconds(1704103200, 123456789);
        var text = FormatText(Create(null, ("time_format", "%Y-%m-%d %H:%M:%S.%N %z")), Message("x"), "t", time);
        Assert.Equal("2024-01-01 10:00:00.123456789 +0000\tt\t{\"message\":\"x\"}\n", text);
        var ms = FormatText(Create(null, ("time_format", "%H:%M:%S.%L")), Message("x"), "t", time);
        Assert.Equal("10:00:00.123\tt\t{\"message\":\"x\"}\n", ms);
    }

    [Theory]
    [InlineData("SPACE", "2024-01-01T10:00:00+00:00 t {\"message\":\"x\"}\n")]
    [InlineData("COMMA", "2024-01-01T10:00:00+00:00,t,{\"message\":\"x\"}\n")]
    [InlineData("TAB", "2024-01-01T10:00:00+00:00\tt\t{\"message\":\"x\"}\n")]
    [InlineData("|", "2024-01-01T10:00:00+00:00|t|{\"message\":\"x\"}\n")]
    public void Delimiter_SeparatesFields(string delimiter, string expected) =>
        Assert.Equal(expected, FormatText(Create(null, ("delimiter", delimiter)), Message("x"), "t"));

    [Fact]
    public void OutputTimeAndTagFalse_DropFieldsWithTheirDelimiters()
    {
        Assert.Equal("t\t{\"message\":\"x\"}\n", FormatText(Create(null, ("output_time", "false")), Message("x"), "t"));
        Assert.Equal("2024-01-01T10:00:00+00:00\t{\"message\":\"x\"}\n", FormatText(Create(null, ("output_tag", "false")), Message("x"), "t"));
        Assert.Equal("{\"message\":\"x\"}\n", FormatText(Create(null, ("output_tag", "false"), ("output_time", "false")), Message("x"), "t"));
    }

    [Fact]
    public void NewlineCrlf_EndsWithCrlf() =>
        Assert.EndsWith("}\r\n", FormatText(Create(null, ("newline", "crlf")), Message("x")), StringComparison.Ordinal);

    [Theory]
    [InlineData("unixtime", "1704103200\tt\t{\"message\":\"x\"}\n")]
    [InlineData("float", "1704103200.5\tt\t{\"message\":\"x\"}\n")]
    public void TimeType_WritesNumbers(string type, string expected) =>
        Assert.Equal(expected, FormatText(Create(null, ("time_type", type)), Message("x"), "t", EventTime.FromSeconds(1704103200, 500_000_000)));

    [Fact]
    public void TrickyRecord_IsByteExactYajl()
    {
        var bytes = FormatBytes(Create(null, ("utc", "true")), Tricky(), "t");
        var expected = Concat(
            "2024-01-01T10:00:00Z\tt\t{\"ctl\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001B\u007f/<&\u2028é\",\"bytes\":\"ok",
            [0xff, 0xc3, 0x28],
            "\\n\",\"int\":-42,\"big\":123456789012345678901234567890,\"f1\":1000.0,\"f2\":1.0e-07,\"f3\":6.02214076e+23,"
            + "\"f4\":-0.0,\"f5\":123456789.12345679,\"t\":true,\"n\":null,\"map\":{\"inner\":[1,\"two\",null,false]},\"empty\":{}}\n");
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void BothUtcAndLocaltime_IsAConfigError()
    {
        var (options, diagnostics) = Bind<OutFileOptions>("out_file", ("utc", "true"), ("localtime", "true"));
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("utc and localtime", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownTimezone_IsAConfigErrorAtItsValue()
    {
        var (options, diagnostics) = Bind<OutFileOptions>("out_file", ("timezone", "Mars/Olympus"));
        Assert.Null(options);
        var d = Assert.Single(diagnostics.Items);
        Assert.Contains("unknown time zone 'Mars/Olympus'", d.Message, StringComparison.Ordinal);
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void ThousandEvents_AllocateNoMoreThanTheOutput()
    {
        var formatter = Create();
        var line = new string('x', 100);
        var records = Enumerable.Range(0, 1000).Select(i => Message(line)).ToArray();
        var output = new System.Buffers.ArrayBufferWriter<byte>(256 * 1024);
        formatter.Format("warm.up", Jan1, records[0], output);
        output.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < records.Length; i++)
        {
            formatter.Format("bench.tag", EventTime.FromSeconds(1704103200 + (i / 100)), records[i], output);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Ten distinct seconds: at most ten small cache entries; nothing per event.
        Assert.True(allocated <= output.WrittenCount, $"allocated {allocated} bytes for {output.WrittenCount} bytes of output");
        Assert.True(allocated < 4096, $"allocated {allocated} bytes");
    }

    internal static byte[] Concat(string a, byte[] raw, string b) =>
        [.. Encoding.UTF8.GetBytes(a), .. raw, .. Encoding.UTF8.GetBytes(b)];
}
