using Tailship.Buffers;

namespace Tailship.Tests.Buffers;

/// <summary>
/// The source frame written into a batch's prefix room is the same bytes as the one copied in front of it, and a
/// source whose paths do not fit the room is left to the copy.
/// </summary>
public sealed class SourceFrameTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    public void WriteBefore_SameBytesAsPrepend(int pathLength)
    {
        var source = Source(pathLength);
        using var data = Batch("one line\ntwo lines\n", out var rawLength);
        var copyLength = data.Frame.Length;
        var copied = SourceFrame.Prepend(source, data.Frame, ref copyLength);

        var prefix = SourceFrame.WriteBefore(source, data);

        Assert.True(prefix > 0);
        Assert.Equal(copied.AsSpan(0, copyLength).ToArray(), data.FrameWithPrefix(prefix).ToArray());
        Assert.Equal(ChunkFrame.HeaderSize + rawLength + prefix, copyLength);
        Assert.Equal(source, DecodeFrame(data.FrameWithPrefix(prefix)[..prefix]));
    }

    [Fact]
    public void WriteBefore_PathsLongerThanTheRoom_NothingWritten()
    {
        using var data = Batch("x\n", out _);
        var before = data.FrameWithPrefix(FormatBuffer.PrefixRoom).ToArray();

        Assert.Equal(0, SourceFrame.WriteBefore(Source(FormatBuffer.PrefixRoom / 2), data));
        Assert.Equal(before, data.FrameWithPrefix(FormatBuffer.PrefixRoom).ToArray());
    }

    [Fact]
    public void FormatBuffer_GrowingKeepsFrameAndRoom()
    {
        using var data = new FormatBuffer(capacity: 16);
        var text = new string('z', 100_000);
        System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, text.AsSpan(), data);

        Assert.Equal(100_000, data.Length);
        Assert.Equal(ChunkFrame.HeaderSize + 100_000, data.Frame.Length);
        Assert.Equal(FormatBuffer.PrefixRoom + data.Frame.Length, data.FrameWithPrefix(FormatBuffer.PrefixRoom).Length);
        Assert.True(data.Frame[ChunkFrame.HeaderSize..].ToArray().All(b => b == (byte)'z'));
    }

    private static DeliverySource Source(int pathLength) =>
        new("/pos/" + new string('p', pathLength), "/log/" + new string('l', pathLength), 42, 100, 200, 7);

    private static FormatBuffer Batch(string text, out int rawLength)
    {
        var data = new FormatBuffer();
        rawLength = (int)System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, text.AsSpan(), data);
        ChunkFrame.WriteHeader(data.Frame, FrameKind.Records, BufferCompression.Text, rawLength, 2, checksum: true);
        return data;
    }

    private static DeliverySource? DecodeFrame(ReadOnlySpan<byte> frame)
    {
        Assert.True(ChunkFrame.TryReadHeader(frame, out var header));
        Assert.Equal(FrameKind.Source, header.Kind);
        Assert.Equal(ChunkFrame.Checksum(frame[..20], frame[ChunkFrame.HeaderSize..]), header.Crc);
        return SourceFrame.Decode(frame[ChunkFrame.HeaderSize..]);
    }
}
