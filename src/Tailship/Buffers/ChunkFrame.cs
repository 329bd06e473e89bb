using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace Tailship.Buffers;

public enum FrameKind : byte
{
    /// <summary>The chunk's metadata (JSON); always the first frame of a chunk file.</summary>
    Metadata = 1,

    /// <summary>One appended batch of formatted events.</summary>
    Records = 2,

    /// <summary>
    /// Where the records frame that follows it (in the same write) was read from (<see cref="DeliverySource"/>); file
    /// buffers only. Readers of the records skip it; recovery uses it to drop batches their source will read again.
    /// </summary>
    Source = 3,
}

/// <summary>
/// One frame of a chunk: a 24-byte header and a payload. The layout (little-endian) is documented with the file
/// buffer in <see cref="FileChunk"/>. Memory chunks use the same framing with a zero checksum.
/// </summary>
internal static class ChunkFrame
{
    public const int HeaderSize = 24;
    public const uint Magic = 0x31425354; // "TSB1" read as little-endian bytes

    /// <summary>Builds a frame into a pooled array; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static byte[] Build(FrameKind kind, BufferCompression codec, ReadOnlySpan<byte> payload, int rawLength, int records, bool checksum, out int length)
    {
        length = HeaderSize + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        WriteHeader(frame.AsSpan(0, length), kind, codec, rawLength, records, checksum);
        return frame;
    }

    /// <summary>
    /// Fills the first <see cref="HeaderSize"/> bytes of <paramref name="frame"/> for the payload that follows them
    /// (the frame is built in place, see <see cref="FormatBuffer.Frame"/>).
    /// </summary>
    public static void WriteHeader(Span<byte> frame, FrameKind kind, BufferCompression codec, int rawLength, int records, bool checksum)
    {
        var h = frame[..HeaderSize];
        var payload = frame[HeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], rawLength);
        BinaryPrimitives.WriteInt32LittleEndian(h[12..], records);
        h[16] = (byte)kind;
        h[17] = (byte)codec;
        h[18] = 0;
        h[19] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], checksum ? Checksum(h[..20], payload) : 0);
    }

    public static uint Checksum(ReadOnlySpan<byte> head, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(head);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Reads a header; false when its magic is wrong or its fields are impossible.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> h, out FrameHeader header)
    {
        header = new FrameHeader(
            BinaryPrimitives.ReadInt32LittleEndian(h[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(h[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(h[12..]),
            (FrameKind)h[16],
            (BufferCompression)h[17],
            BinaryPrimitives.ReadUInt32LittleEndian(h[20..]));
        return BinaryPrimitives.ReadUInt32LittleEndian(h) == Magic
            && header.StoredLength >= 0 && header.RawLength >= 0 && header.Records >= 0
            && header.Kind is FrameKind.Metadata or FrameKind.Records or FrameKind.Source
            && header.Codec is BufferCompression.Text or BufferCompression.Gzip or BufferCompression.Zstd;
    }
}

internal readonly record struct FrameHeader(int StoredLength, int RawLength, int Records, FrameKind Kind, BufferCompression Codec, uint Crc);
