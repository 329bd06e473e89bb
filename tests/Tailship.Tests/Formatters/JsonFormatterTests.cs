using static Tailship.Tests.Formatters.FormatterHarness;

namespace Tailship.Tests.Formatters;

public sealed class JsonFormatterTests
{
    [Fact]
    public void Message_IsOneJsonLine() =>
        Assert.Equal("{\"message\":\"hello\"}\n", FormatText(Build("json"), Message("hello")));

    [Fact]
    public void AddNewlineFalse_WritesNoLineEnding() =>
        Assert.Equal("{\"message\":\"hello\"}", FormatText(Build("json", ("add_newline", "false")), Message("hello")));

    [Fact]
    public void JsonParserYajl_IsAcceptedAndSameOutput() =>
        Assert.Equal("{\"message\":\"x\"}\r\n", FormatText(Build("json", ("json_parser", "yajl"), ("newline", "crlf")), Message("x")));

    [Fact]
    public void TrickyRecord_IsByteExactYajl()
    {
        var expected = OutFileFormatterTests.Concat(
            "{\"ctl\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001B\u007f/<&\u2028é\",\"bytes\":\"ok",
            [0xff, 0xc3, 0x28],
            "\\n\",\"int\":-42,\"big\":123456789012345678901234567890,\"f1\":1000.0,\"f2\":1.0e-07,\"f3\":6.02214076e+23,"
            + "\"f4\":-0.0,\"f5\":123456789.12345679,\"t\":true,\"n\":null,\"map\":{\"inner\":[1,\"two\",null,false]},\"empty\":{}}\n");
        Assert.Equal(expected, FormatBytes(Build("json"), Tricky()));
    }

    [Fact]
    public void AllControlCharacters_UseShortOrUpperHexForms()
    {
        var chars = new string(Enumerable.Range(0, 32).Select(i => (char)i).ToArray());
        var text = FormatText(Build("json"), Message(chars));
        Assert.Equal(
            "{\"message\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F"
            + "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F\"}\n",
            text);
    }

    [Fact]
    public void LongNonAsciiString_IsWrittenWhole()
    {
        var s = string.Concat(Enumerable.Repeat("é😀\"", 1000));
        var text = FormatText(Build("json"), Message(s));
        Assert.Equal("{\"message\":\"" + s.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}\n", text);
    }
}
