using System.Buffers;
using System.Text;
using Tailship.Buffers;

namespace Tailship.Tests.Buffers;

/// <summary>
/// A chunk's frames read back as one byte stream: straight into the caller's buffer when a text frame fits, through
/// the pooled array otherwise; both give the same bytes and both check every frame's checksum.
/// </summary>
public sealed class ChunkReadStreamTests
{
    [Theory]
    [InlineData(1 << 20)] // every text frame fits: read straight into the destination
    [InlineData(7)] // none fits: through the pooled array, a few bytes at a time
    [InlineData(100)] // some fit, some do not
    public void MixedFrames_ReadAsTheRecordsInOrder(int readSize)
    {
        var (stored, expected) = Chunk(checksum: true);
        using var reader = new ChunkReadStream(new MemoryStream(stored), stored.Length, verify: true);
        Assert.Equal(expected, ReadAll(reader, readSize));
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(7)]
    public void CorruptTextFrame_FailsItsChecksumOnEitherPath(int readSize)
    {
        var (stored, _) = Chunk(checksum: true);
        stored[ChunkFrame.HeaderSize + 3] ^= 0x20; // inside the first frame's payload
        using var reader = new ChunkReadStream(new MemoryStream(stored), stored.Length, verify: true);
        var error = Assert.Throws<InvalidDataException>(() => ReadAll(reader, readSize));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidLength_StopsBeforeUnacknowledgedFrames()
    {
        var (stored, _) = Chunk(checksum: true);
        var first = FrameBytes(FrameKind.Records, BufferCompression.Text, "one\ntwo\n"u8, true);
        using var reader = new ChunkReadStream(new MemoryStream(stored), first.Length, verify: true);
        Assert.Equal("one\ntwo\n"u8.ToArray(), ReadAll(reader, 1 << 20));
    }

    private static (byte[] Stored, byte[] Expected) Chunk(bool checksum)
    {
        var stored = new MemoryStream();
        var expected = new MemoryStream();
        void Add(FrameKind kind, BufferCompression codec, string text)
        {
            var raw = Encoding.UTF8.GetBytes(text);
            stored.Write(FrameBytes(kind, codec, raw, checksum));
            if (kind == FrameKind.Records)
            {
                expected.Write(raw);
            }
        }

        Add(FrameKind.Records, BufferCompression.Text, "one\ntwo\n");
        Add(FrameKind.Source, BufferCompression.Text, "{\"source\":\"ignored by readers\"}");
        Add(FrameKind.Records, BufferCompression.Gzip, string.Concat(Enumerable.Repeat("gzip line\n", 50)));
        Add(FrameKind.Records, BufferCompression.Text, string.Concat(Enumerable.Repeat("a longer text line of the chunk\n", 20)));
        Add(FrameKind.Records, BufferCompression.Zstd, "zstd line\n");
        Add(FrameKind.Records, BufferCompression.Text, "last\n");
        return (stored.ToArray(), expected.ToArray());
    }

    private static byte[] FrameBytes(FrameKind kind, BufferCompression codec, ReadOnlySpan<byte> raw, bool checksum)
    {
        var payload = codec == BufferCompression.Text ? raw.ToArray() : ChunkCodec.Compress(codec, raw);
        var frame = ChunkFrame.Build(kind, codec, payload, raw.Length, records: 1, checksum, out var length);
        try
        {
            return frame.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static byte[] ReadAll(Stream reader, int readSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
