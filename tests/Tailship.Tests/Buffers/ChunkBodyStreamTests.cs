using System.Buffers;
using System.Text;
using Tailship.Buffers;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

/// <summary>
/// A file chunk's records as one seekable stream read in place from the mapped file (an upload's request body):
/// exactly the record payloads, wherever it is sought to, checked when the file is not as this process left it.
/// </summary>
public sealed class ChunkBodyStreamTests : IDisposable
{
    private const string Id = "0123456789abcdef0123456789abcdef";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Body_IsTheRecordPayloadsInOrder()
    {
        var (chunk, expected) = Written(BufferCompression.Text);
        try
        {
            using var body = chunk.OpenBody()!;
            Assert.Equal(expected.Length, body.Length);
            Assert.Equal(expected, ReadAll(body, 7));
            body.Position = 0; // read again, as the SDK does after hashing the payload
            Assert.Equal(expected, ReadAll(body, 1 << 20));
        }
        finally
        {
            chunk.Close();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)] // the first payload's last byte
    [InlineData(5)] // the second payload's first byte
    [InlineData(200)]
    public void Seek_ReadsFromThatOffset(int offset)
    {
        var (chunk, expected) = Written(BufferCompression.Text);
        try
        {
            using var body = chunk.OpenBody()!;
            ReadAll(body, 3);
            Assert.Equal(offset, body.Seek(offset, SeekOrigin.Begin));
            Assert.Equal(expected.AsSpan(offset).ToArray(), ReadAll(body, 11));
            body.Seek(-2, SeekOrigin.End);
            Assert.Equal(expected.AsSpan(expected.Length - 2).ToArray(), ReadAll(body, 11));
        }
        finally
        {
            chunk.Close();
        }
    }

    [Fact]
    public void CompressedChunk_NoBody()
    {
        var (chunk, expected) = Written(BufferCompression.Gzip);
        try
        {
            Assert.Null(chunk.OpenBody());
            using var reader = chunk.OpenRead();
            Assert.Equal(expected, ReadAll(reader, 1 << 20));
        }
        finally
        {
            chunk.Close();
        }
    }

    [Fact]
    public void ModifiedFile_FailsItsChecksum()
    {
        var (chunk, _) = Written(BufferCompression.Text);
        try
        {
            var modified = File.GetLastWriteTimeUtc(chunk.Location);
            var at = File.ReadAllBytes(chunk.Location).AsSpan().IndexOf("second"u8);
            using (var file = new FileStream(chunk.Location, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                file.Position = at;
                file.WriteByte((byte)'S');
            }

            File.SetLastWriteTimeUtc(chunk.Location, modified.AddSeconds(1));
            var error = Assert.Throws<InvalidDataException>(() => chunk.OpenBody());
            Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            chunk.Close();
        }
    }

    /// <summary>A sealed chunk: metadata, records, a source frame, records (one of them empty), records.</summary>
    private (FileChunk Chunk, byte[] Records) Written(BufferCompression codec)
    {
        var chunk = FileChunk.Create(_temp[$"buffer.b{Id}.log"], Id, new ChunkMetadata("tag", null, new Dictionary<string, string>()), DateTimeOffset.UnixEpoch);
        var records = new MemoryStream();
        void Add(FrameKind kind, string text)
        {
            var raw = Encoding.UTF8.GetBytes(text);
            var stored = codec == BufferCompression.Text || kind != FrameKind.Records ? raw : ChunkCodec.Compress(codec, raw);
            var frame = ChunkFrame.Build(kind, kind == FrameKind.Records ? codec : BufferCompression.Text, stored, raw.Length, 1, checksum: true, out var length);
            try
            {
                chunk.Append(frame.AsSpan(0, length), 1, raw.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }

            if (kind == FrameKind.Records)
            {
                records.Write(raw);
            }
        }

        Add(FrameKind.Records, "one\n\n");
        Add(FrameKind.Source, "{\"not\":\"a record\"}");
        Add(FrameKind.Records, "second " + string.Concat(Enumerable.Repeat("batch line\n", 30)));
        Add(FrameKind.Records, string.Empty);
        Add(FrameKind.Records, "last\n");
        chunk.FlushToDisk();
        chunk.Seal();
        return (chunk, records.ToArray());
    }

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        var result = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            result.Write(buffer, 0, n);
        }

        return result.ToArray();
    }
}
