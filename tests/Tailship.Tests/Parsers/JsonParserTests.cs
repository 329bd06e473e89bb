using Tailship.Events;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Parsers;

public sealed class JsonParserTests
{
    [Fact]
    public void InvalidUtf8_InAString_IsKeptAsBytes()
    {
        byte[] line = [.. "{\"m\":\""u8, 0xff, 0xfe, .. "\"}"u8];
        var parser = ParserHarness.Create("@type json");
        Record? record = null;
        Assert.True(parser.Parse(line, ParserHarness.ReadTime, (_, r) => record = r));
        Assert.Equal(new byte[] { 0xff, 0xfe }, record!["m"].Utf8.ToArray());
    }

    [Fact]
    public void UnescapedStrings_PointIntoTheLineCopy()
    {
        var parser = ParserHarness.Create("@type json");
        Record? record = null;
        parser.Parse("""{"m":"plain"}"""u8, ParserHarness.ReadTime, (_, r) => record = r);
        Assert.True(record!["m"].IsUtf8Bytes);
        Assert.Equal("plain", record["m"].AsString);
    }

    [Fact]
    public void EstimateCurrentEventFalse_DropsRecordsWithoutTime()
    {
        var parser = ParserHarness.Create("@type json\nestimate_current_event false");
        var events = new List<EventTime>();
        Assert.True(parser.Parse("""{"time":1,"a":1}"""u8, ParserHarness.ReadTime, (t, _) => events.Add(t)));
        Assert.False(parser.Parse("""{"a":1}"""u8, ParserHarness.ReadTime, (t, _) => events.Add(t)));
        Assert.Equal([EventTime.FromSeconds(1)], events);
    }

    [Theory]
    [InlineData("""{"a":1e400}""")]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{'a':1}""")]
    public void Oddities_DoNotThrow(string json)
    {
        var parser = ParserHarness.Create("@type json");
        var lines = ParserHarness.Run(parser, System.Text.Encoding.UTF8.GetBytes(json));
        Assert.NotEmpty(lines);
    }
}
