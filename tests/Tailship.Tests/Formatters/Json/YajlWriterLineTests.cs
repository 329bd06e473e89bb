using System.Buffers;
using System.Text;
using Tailship.Events;
using Tailship.Formatters.Json;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Formatters.Json;

/// <summary>
/// <see cref="YajlWriter.WriteLine"/> writes a flat record with one reservation; it must give exactly the bytes of
/// the piece-by-piece writer for every kind of value, escape and size.
/// </summary>
public sealed class YajlWriterLineTests
{
    [Fact]
    public void FlatTrickyRecord_IsByteExactYajl()
    {
        var record = FormatterHarness.Tricky();
        record.Remove("map");
        record.Remove("empty");
        var expected = OutFileFormatterTests.Concat(
            "T\t{\"ctl\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001B\u007f/<&\u2028é\",\"bytes\":\"ok",
            [0xff, 0xc3, 0x28],
            "\\n\",\"int\":-42,\"big\":123456789012345678901234567890,\"f1\":1000.0,\"f2\":1.0e-07,\"f3\":6.02214076e+23,"
            + "\"f4\":-0.0,\"f5\":123456789.12345679,\"t\":true,\"n\":null}\n");
        Assert.Equal(expected, Line("T\t"u8, record, "\n"u8));
    }

    [Fact]
    public void NestedRecord_FallsBackWithTheSameBytes()
    {
        var record = FormatterHarness.Tricky();
        Assert.Equal(Piecewise("p"u8, record, "\r\n"u8), Line("p"u8, record, "\r\n"u8));
    }

    [Fact]
    public void KeysNeedingEscapes_AreEscapedOnEveryUse()
    {
        var record = new Record();
        record.Append("a\"b", "1");
        record.Append("ключ\n", RecordValue.FromUtf8("2"u8.ToArray()));
        var expected = "{\"a\\\"b\":\"1\",\"ключ\\n\":\"2\"}"u8.ToArray();
        Assert.Equal(expected, Line(default, record, default));
        Assert.Equal(expected, Line(default, record, default)); // the second time from the key cache
    }

    [Fact]
    public void EscapeAtAnyPositionOfAnyLength_IsByteExactYajl()
    {
        // The flat path copies 16-byte blocks while checking them (the last one overlapping): an escape in the
        // first, a middle, the overlapping or the last byte, for lengths around the block size, and invalid UTF-8.
        byte[] specials = [(byte)'"', (byte)'\\', 0x00, 0x1F, (byte)'\n', 0xFF];
        for (var length = 0; length <= 50; length++)
        {
            var clean = Enumerable.Range(0, length).Select(i => (byte)('a' + (i % 26))).ToArray();
            Assert.Equal(Piecewise(default, Single("m", RecordValue.FromUtf8(clean)), default), Line(default, Single("m", RecordValue.FromUtf8(clean)), default));
            for (var at = 0; at < length; at++)
            {
                foreach (var special in specials)
                {
                    var bytes = (byte[])clean.Clone();
                    bytes[at] = special;
                    var record = Single("m", RecordValue.FromUtf8(bytes));
                    Assert.Equal(Piecewise(default, record, default), Line(default, record, default));
                }
            }
        }
    }

    [Fact]
    public void SliceOfALargerArray_WritesOnlyItsBytes()
    {
        var backing = "xxxx0123456789abcdefghijklmnop\"yyyy"u8.ToArray();
        var record = Single("m", RecordValue.FromUtf8(backing, 4, 26));
        Assert.Equal("{\"m\":\"0123456789abcdefghijklmnop\"}", Encoding.UTF8.GetString(Line(default, record, default)));
    }

    [Fact]
    public void ChangingKeySetsAndOrders_UseTheRightKeyAtEveryPosition()
    {
        // The key cache looks up by position first: records whose keys differ or move between positions, and keys
        // beyond the positional slots, must each get their own JSON.
        var keys = Enumerable.Range(0, 12).Select(i => "k" + i).ToArray();
        string[][] layouts =
        [
            ["k0", "k1"],
            ["k1", "k0"],
            ["k2"],
            [.. keys],
            [.. keys.Reverse()],
            ["k0", "k1"],
        ];
        for (var round = 0; round < 2; round++)
        {
            foreach (var layout in layouts)
            {
                var record = new Record();
                foreach (var key in layout)
                {
                    record.Append(key, key + "v");
                }

                var expected = "{" + string.Join(",", layout.Select(k => $"\"{k}\":\"{k}v\"")) + "}";
                Assert.Equal(expected, Encoding.UTF8.GetString(Line(default, record, default)));
            }
        }
    }

    [Fact]
    public void SameTextInAnotherString_IsWrittenFromItsOwnText()
    {
        // A new string object at a cached position misses the reference check and is encoded again.
        var first = new Record(1);
        first.Append(new string('a', 3), "1");
        var second = new Record(1);
        second.Append(new string('b', 3), "2");
        Assert.Equal("{\"aaa\":\"1\"}", Encoding.UTF8.GetString(Line(default, first, default)));
        Assert.Equal("{\"bbb\":\"2\"}", Encoding.UTF8.GetString(Line(default, second, default)));
        Assert.Equal("{\"aaa\":\"1\"}", Encoding.UTF8.GetString(Line(default, first, default)));
    }

    [Fact]
    public void LoneSurrogate_BecomesReplacementCharacterAsPiecewise()
    {
        var record = new Record();
        record.Append("s", "x\ud800y");
        Assert.Equal(Piecewise(default, record, default), Line(default, record, default));
        Assert.Equal("{\"s\":\"x\uFFFDy\"}", Encoding.UTF8.GetString(Line(default, record, default)));
    }

    [Fact]
    public void NonFiniteFloat_IsNull() =>
        Assert.Equal("{\"f\":null}"u8.ToArray(), Line(default, Single("f", double.NaN), default));

    [Theory]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(20_000)]
    public void StringsAroundTheLimits_MatchPiecewise(int length)
    {
        var text = new string('\u0001', length / 2) + new string('é', length - (length / 2));
        var record = new Record();
        record.Append(new string('k', Math.Min(length, 1100)), text);
        record.Append("bytes", RecordValue.FromUtf8(Encoding.UTF8.GetBytes(text + "\"")));
        Assert.Equal(Piecewise("<"u8, record, ">"u8), Line("<"u8, record, ">"u8));
    }

    [Fact]
    public void RandomFlatRecords_MatchPiecewise()
    {
        var random = new Random(20261126);
        for (var n = 0; n < 2_000; n++)
        {
            var record = new Record();
            var fields = random.Next(0, 6);
            for (var i = 0; i < fields; i++)
            {
                record.Set(RandomText(random, 8), random.Next(7) switch
                {
                    0 => RecordValue.Null,
                    1 => random.Next(2) == 0,
                    2 => random.NextInt64(long.MinValue, long.MaxValue),
                    3 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 25)),
                    4 => RecordValue.FromUtf8(RandomBytes(random, 200)),
                    _ => RandomText(random, 200),
                });
            }

            Assert.Equal(Piecewise("h"u8, record, "\n"u8), Line("h"u8, record, "\n"u8));
        }
    }

    private static Record Single(string key, RecordValue value)
    {
        var record = new Record();
        record.Append(key, value);
        return record;
    }

    private static byte[] Line(ReadOnlySpan<byte> prefix, Record record, ReadOnlySpan<byte> suffix)
    {
        var output = new ArrayBufferWriter<byte>(1);
        YajlWriter.WriteLine(prefix, record, suffix, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Piecewise(ReadOnlySpan<byte> prefix, Record record, ReadOnlySpan<byte> suffix)
    {
        var output = new ArrayBufferWriter<byte>(1);
        output.Write(prefix);
        YajlWriter.WriteRecord(record, output);
        output.Write(suffix);
        return output.WrittenSpan.ToArray();
    }

    private static string RandomText(Random random, int maxLength)
    {
        // Mostly ASCII with escapes, some non-ASCII, the odd lone surrogate.
        const string Pool = "abcXYZ019 \"\\/\b\f\n\r\t\u0001\u001f\u007fé€😀\ud800";
        var chars = new char[random.Next(0, maxLength)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Pool[random.Next(Pool.Length)];
        }

        return new string(chars);
    }

    private static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength)];
        random.NextBytes(bytes);
        return bytes;
    }
}
