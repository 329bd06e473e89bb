using Tailship.Events;
using static Tailship.Tests.Formatters.FormatterHarness;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Formatters;

public sealed class MsgpackFormatterTests
{
    [Fact]
    public void Record_IsTheSmallestMsgpackEncoding()
    {
        var r = new Record();
        r.Append("a", 1L);
        r.Append("b", -1L);
        r.Append("c", "x");
        r.Append("d", 1.5);
        r.Append("e", RecordValue.Null);
        r.Append("f", true);
        r.Append("g", RecordValue.FromArray([300L, -200L, 70000L, -40000L, -100L, 200L]));
        r.Append("big", RecordValue.FromBigInteger("18446744073709551615"));
        r.Append("h", RecordValue.FromMap(new Record()));
        var expected = Convert.FromHexString(
            "89" + "a161" + "01" + "a162" + "ff" + "a163" + "a178" + "a164" + "cb3ff8000000000000" + "a165" + "c0" + "a166" + "c3"
            + "a167" + "96" + "cd012c" + "d1ff38" + "ce00011170" + "d2ffff63c0" + "d09c" + "ccc8"
            + "a3626967" + "cfffffffffffffffff" + "a168" + "80");
        Assert.Equal(expected, FormatBytes(Build("msgpack"), r));
    }

    [Fact]
    public void LongStringsAndBytes_UseStr8AndKeepBytes()
    {
        var r = new Record();
        r.Append("s", new string('x', 40));
        r.Append("b", RecordValue.FromUtf8([0xff, 0x00]));
        var bytes = FormatBytes(Build("msgpack"), r);
        Assert.Equal(Convert.FromHexString("82a173d928" + string.Concat(Enumerable.Repeat("78", 40)) + "a162a2ff00"), bytes);
    }
}
