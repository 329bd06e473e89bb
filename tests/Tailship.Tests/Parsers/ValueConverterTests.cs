using System.Text;

namespace Tailship.Tests.Parsers;

/// <summary>The <c>types</c> parameter and the null options, as Fluentd's convert_values applies them.</summary>
public sealed class ValueConverterTests
{
    private static string Record(string config, string json)
    {
        var line = Assert.Single(ParserHarness.Run(ParserHarness.Create("@type json\n" + config), Encoding.UTF8.GetBytes(json)));
        return line[(line.IndexOf("\"record\":", StringComparison.Ordinal) + 9)..^1];
    }

    [Theory]
    [InlineData("""{"v":"true"}""", "true")]
    [InlineData("""{"v":"Yes"}""", "true")]
    [InlineData("""{"v":1}""", "true")]
    [InlineData("""{"v":"on"}""", "false")]
    [InlineData("""{"v":0}""", "false")]
    [InlineData("""{"v":false}""", "false")]
    public void Bool_IsTrueOnlyForTrueYesOne(string json, string expected) =>
        Assert.Equal($$"""{"v":{{expected}}}""", Record("types v:bool", json));

    [Theory]
    [InlineData("""{"v":"1_000.5"}""", "v:float", "1000.5")]
    [InlineData("""{"v":3}""", "v:float", "3.0")]
    [InlineData("""{"v":"1e3"}""", "v:float", "1000.0")]
    [InlineData("""{"v":true}""", "v:integer", "0")]
    [InlineData("""{"v":-3.7}""", "v:integer", "-3")]
    [InlineData("""{"v":true}""", "v:string", "\"true\"")]
    [InlineData("""{"v":" a b  c"}""", "{\"v\":\"array: \"}", "[\"a\",\"b\",\"c\"]")]
    [InlineData("""{"v":"a,,b,"}""", "v:array", "[\"a\",\"\",\"b\"]")]
    [InlineData("""{"v":"2024-01-01 09:00"}""", "v:time:Asia/Tokyo:%Y-%m-%d %H:%M", "1704067200")]
    [InlineData("""{"v":"1704067200.9"}""", "v:time:unixtime", "1704067200")]
    [InlineData("""{"v":"2024-01-01T00:00:00Z"}""", "v:time", "1704067200")]
    public void Types_ConvertLikeRuby(string json, string types, string expected) =>
        Assert.Equal($$"""{"v":{{expected}}}""", Record("types " + types, json));

    [Fact]
    public void TimeWithOffsetZone_SplitsAtTheFirstColonLikeFluentd() =>
        Assert.Equal("""{"v":null}""", Record("types v:time:+09:00:%Y-%m-%d %H:%M", """{"v":"2024-01-01 09:00"}"""));

    [Fact]
    public void NullValues_AreLeftAsNull() =>
        Assert.Equal("""{"v":null}""", Record("types v:integer", """{"v":null}"""));

    [Fact]
    public void NullPattern_AppliesBeforeTypes() =>
        Assert.Equal("""{"v":null,"w":5}""", Record("types v:integer,w:integer\nnull_value_pattern ^none$", """{"v":"none","w":"5"}"""));

    [Fact]
    public void NullPattern_IsNotAnchored() =>
        Assert.Equal("""{"v":null}""", Record("null_value_pattern n/a", """{"v":"is n/a here"}"""));

    [Fact]
    public void UnknownType_IsRefused()
    {
        var diagnostics = new Tailship.Config.DiagnosticBag();
        Assert.Null(ParserHarness.TryCreate("@type json\ntypes v:decimal", diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("unknown value conversion for key:'v', type:'decimal'", StringComparison.Ordinal));
    }
}
