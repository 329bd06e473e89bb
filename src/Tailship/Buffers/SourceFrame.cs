using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Tailship.Buffers;

/// <summary>
/// The payload of a <see cref="FrameKind.Source"/> frame, little-endian:
/// <code>
///  0  u64  inode
///  8  i64  start offset
/// 16  i64  end offset
/// 24  i64  batch id
/// 32  i32  n, then n bytes: the pos_file's full path (UTF-8)
///     i32  m, then m bytes: the watched path (UTF-8)
/// </code>
/// A source frame is written immediately before its records frame, in the same write call, so recovery sees either
/// both, the source frame alone (a torn append, cut), or neither.
/// </summary>
internal static class SourceFrame
{
    /// <summary>Bytes before the two strings: inode, start, end, batch id.</summary>
    private const int Fixed = 32;

    /// <summary>
    /// Writes the source frame into <paramref name="data"/>'s prefix room, right before its records frame; returns
    /// its length, or 0 (nothing written) when it does not fit (paths longer than the room).
    /// </summary>
    public static int WriteBefore(DeliverySource source, FormatBuffer data)
    {
        var payload = Encode(source);
        var length = ChunkFrame.HeaderSize + payload.Length;
        if (length > FormatBuffer.PrefixRoom)
        {
            return 0;
        }

        var frame = data.Prefix(length);
        payload.CopyTo(frame[ChunkFrame.HeaderSize..]);
        ChunkFrame.WriteHeader(frame, FrameKind.Source, BufferCompression.Text, payload.Length, 0, checksum: true);
        return length;
    }

    /// <summary>Returns a pooled array holding a source frame followed by <paramref name="frame"/> (<paramref name="length"/> bytes, updated to the total).</summary>
    public static byte[] Prepend(DeliverySource source, ReadOnlySpan<byte> frame, ref int length)
    {
        var payload = Encode(source);
        var head = ChunkFrame.Build(FrameKind.Source, BufferCompression.Text, payload, payload.Length, 0, checksum: true, out var headLength);
        var both = ArrayPool<byte>.Shared.Rent(headLength + length);
        head.AsSpan(0, headLength).CopyTo(both);
        frame[..length].CopyTo(both.AsSpan(headLength));
        ArrayPool<byte>.Shared.Return(head);
        length += headLength;
        return both;
    }

    public static byte[] Encode(DeliverySource source)
    {
        var posFile = Encoding.UTF8.GetBytes(source.PositionFile);
        var path = Encoding.UTF8.GetBytes(source.Path);
        var payload = new byte[Fixed + 4 + posFile.Length + 4 + path.Length];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, source.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], source.StartOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], source.EndOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], source.BatchId);
        BinaryPrimitives.WriteInt32LittleEndian(span[Fixed..], posFile.Length);
        posFile.CopyTo(span[(Fixed + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(Fixed + 4 + posFile.Length)..], path.Length);
        path.CopyTo(span[(Fixed + 8 + posFile.Length)..]);
        return payload;
    }

    /// <summary>Decodes a payload; null when it is not a well-formed source (a bug, since its checksum matched).</summary>
    public static DeliverySource? Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Fixed + 8)
        {
            return null;
        }

        var posLength = BinaryPrimitives.ReadInt32LittleEndian(payload[Fixed..]);
        if (posLength < 0 || Fixed + 8 + posLength > payload.Length)
        {
            return null;
        }

        var pathLength = BinaryPrimitives.ReadInt32LittleEndian(payload[(Fixed + 4 + posLength)..]);
        if (pathLength < 0 || Fixed + 8 + posLength + pathLength != payload.Length)
        {
            return null;
        }

        return new DeliverySource(
            Encoding.UTF8.GetString(payload.Slice(Fixed + 4, posLength)),
            Encoding.UTF8.GetString(payload.Slice(Fixed + 8 + posLength, pathLength)),
            BinaryPrimitives.ReadUInt64LittleEndian(payload),
            BinaryPrimitives.ReadInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[24..]));
    }
}
