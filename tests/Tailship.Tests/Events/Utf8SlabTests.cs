using System.Text;
using Tailship.Events;

namespace Tailship.Tests.Events;

public sealed class Utf8SlabTests
{
    [Fact]
    public void ManyCopies_AcrossBlocks_KeepTheirBytes()
    {
        var values = new List<(string Text, RecordValue Value)>();
        for (var i = 0; i < 5_000; i++)
        {
            // About 60 bytes each: 5,000 of them span several blocks.
            var text = $"{i:D8} line of the test with some padding {new string((char)('a' + (i % 26)), i % 40)}";
            values.Add((text, Utf8Slab.Copy(Encoding.UTF8.GetBytes(text))));
        }

        Assert.All(values, v => Assert.Equal(v.Text, Encoding.UTF8.GetString(v.Value.Utf8)));
    }

    [Fact]
    public void CopyIsIndependentOfTheSource()
    {
        var source = "original"u8.ToArray();
        var value = Utf8Slab.Copy(source);
        source[0] = (byte)'X';
        Assert.Equal("original", value.AsString);
        Assert.True(value.IsUtf8Bytes);
    }

    [Fact]
    public void LongString_GetsItsOwnArray_AndEmptyIsEmpty()
    {
        var text = new string('x', Utf8Slab.MaxSlabbed + 1);
        Assert.Equal(text, Utf8Slab.Copy(Encoding.UTF8.GetBytes(text)).AsString);
        Assert.Equal(string.Empty, Utf8Slab.Copy([]).AsString);
    }

    [Fact]
    public void InvalidUtf8_IsKeptAsIs()
    {
        byte[] bytes = [0x61, 0xff, 0xc3, 0x28];
        Assert.Equal(bytes, Utf8Slab.Copy(bytes).Utf8.ToArray());
    }
}
