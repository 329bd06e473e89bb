using Tailship.Events;
using static Tailship.Tests.Formatters.FormatterHarness;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Formatters;

public sealed class HashFormatterTests
{
    [Fact]
    public void Message_IsRuby31HashInspect() =>
        Assert.Equal("{\"message\"=>\"hello\"}\n", FormatText(Build("hash"), Message("hello")));

    [Fact]
    public void TrickyRecord_IsByteExactInspect()
    {
        var expected = "{\"ctl\"=>\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\e\\u007F/<&\\u2028é\", \"bytes\"=>\"ok\\xFF\\xC3(\\n\", \"int\"=>-42, "
            + "\"big\"=>123456789012345678901234567890, \"f1\"=>1000.0, \"f2\"=>1.0e-07, \"f3\"=>6.02214076e+23, \"f4\"=>-0.0, "
            + "\"f5\"=>123456789.12345679, \"t\"=>true, \"n\"=>nil, \"map\"=>{\"inner\"=>[1, \"two\", nil, false]}, \"empty\"=>{}}\n";
        Assert.Equal(expected, FormatText(Build("hash"), Tricky()));
    }

    [Fact]
    public void ByteHeldNonAscii_ShowsBytesAsYajlDoes()
    {
        var r = new Record();
        r.Append("message", RecordValue.FromUtf8("café"u8.ToArray()));
        r.Append("text", "café");
        Assert.Equal("{\"message\"=>\"caf\\xC3\\xA9\", \"text\"=>\"café\"}", FormatText(Build("hash", ("add_newline", "false")), r));
    }

    [Fact]
    public void Interpolation_IsEscaped()
    {
        var r = new Record();
        r.Append("a", "#{x} #$y #@z # {");
        Assert.Equal("{\"a\"=>\"\\#{x} \\#$y \\#@z # {\"}\n", FormatText(Build("hash"), r));
    }
}
