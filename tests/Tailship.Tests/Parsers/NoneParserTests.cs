using Tailship.Events;
using Tailship.Plugins;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Parsers;

public sealed class NoneParserTests
{
    [Fact]
    public void InvalidUtf8AndNul_PassThroughByteForByte()
    {
        byte[] line = [0x61, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x00, 0x62, 0xe2, 0x82];
        var parser = ParserHarness.Create("@type none");
        Record? record = null;
        Assert.True(parser.Parse(line, ParserHarness.ReadTime, (_, r) => record = r));
        var message = record!["message"];
        Assert.True(message.IsUtf8Bytes);
        Assert.Equal(line, message.Utf8.ToArray());
    }

    [Fact]
    public void Line_IsCopied_SoTheReadBufferCanBeReused()
    {
        var buffer = "first"u8.ToArray();
        var parser = ParserHarness.Create("@type none");
        Record? record = null;
        parser.Parse(buffer, ParserHarness.ReadTime, (_, r) => record = r);
        "XXXXX"u8.CopyTo(buffer);
        Assert.Equal("first", record!["message"].AsString);
    }

    [Fact]
    public void Time_IsTheReadTime()
    {
        var parser = ParserHarness.Create("@type none");
        EventTime time = default;
        parser.Parse("x"u8, ParserHarness.ReadTime, (t, _) => time = t);
        Assert.Equal(ParserHarness.ReadTime, time);
    }

    [Fact]
    public void Parse_AllocatesOnlyTheRecordAndTheMessageBytes()
    {
        var parser = ParserHarness.Create("@type none");
        var line = new byte[100];
        Action<EventTime, Record> sink = static (_, _) => { };
        parser.Parse(line, ParserHarness.ReadTime, sink); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int Count = 1000;
        for (var i = 0; i < Count; i++)
        {
            parser.Parse(line, ParserHarness.ReadTime, sink);
        }

        var perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / Count;

        // The record object with its one-slot key and value arrays, and the 100-byte copy: about 250 bytes on x64.
        Assert.InRange(perLine, 100, 320);
    }

    [Fact]
    public void EstimateCurrentEventFalse_DropsTheLine()
    {
        var parser = ParserHarness.Create("@type none\nestimate_current_event false");
        Assert.False(parser.Parse("x"u8, ParserHarness.ReadTime, (_, _) => Assert.Fail("no event expected")));
    }

    [Fact]
    public void Registry_KnowsEveryParserOfTheBrief()
    {
        var registry = BuiltinPlugins.CreateRegistry();
        foreach (var type in (string[])["none", "json", "regexp", "ltsv", "csv", "tsv", "apache2", "apache_error", "nginx", "syslog", "multiline", "msgpack", "cri"])
        {
            Assert.NotNull(registry.Find(Tailship.Config.PluginKind.Parser, type));
        }
    }
}
