using System.Buffers;

namespace Tailship.Buffers;

/// <summary>
/// Reads a chunk's record frames as one uncompressed byte stream, frame by frame (a file chunk is never loaded
/// whole). Stops at the valid length it is given: bytes past it were never acknowledged. With checksums on, a frame
/// that does not match throws <see cref="InvalidDataException"/>. Frames are read into one pooled array, reused
/// from frame to frame and returned on Dispose.
/// </summary>
internal sealed class ChunkReadStream : Stream
{
    private readonly Stream _stored;
    private readonly long _validLength;
    private readonly bool _verify;
    private readonly byte[] _header = new byte[ChunkFrame.HeaderSize];
    private long _position;
    private byte[] _payload = []; // pooled, reused for every frame
    private ReadOnlyMemory<byte> _current;
    private int _offset;

    public ChunkReadStream(Stream stored, long validLength, bool verify)
    {
        _stored = stored;
        _validLength = validLength;
        _verify = verify;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _current.Length)
        {
            if (!NextFrame(buffer, out var direct))
            {
                return 0;
            }

            if (direct > 0)
            {
                return direct;
            }
        }

        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Span.Slice(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stored.Dispose();
            if (_payload.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_payload);
                _payload = [];
                _current = default;
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Reads the next frame. An uncompressed record frame that fits in <paramref name="destination"/> is read straight
    /// into it (one copy fewer for text chunks, the common case); its length is returned in <paramref name="direct"/>.
    /// Otherwise the frame is read into the pooled array and becomes the current one (<paramref name="direct"/> 0).
    /// </summary>
    private bool NextFrame(Span<byte> destination, out int direct)
    {
        direct = 0;
        if (_position + ChunkFrame.HeaderSize > _validLength)
        {
            return false;
        }

        _stored.ReadExactly(_header);
        if (!ChunkFrame.TryReadHeader(_header, out var h) || _position + ChunkFrame.HeaderSize + h.StoredLength > _validLength)
        {
            throw new InvalidDataException($"chunk frame at offset {_position} has a bad header");
        }

        if (h.Kind == FrameKind.Records && h.Codec == BufferCompression.Text && h.StoredLength > 0 && h.StoredLength <= destination.Length)
        {
            var target = destination[..h.StoredLength];
            _stored.ReadExactly(target);
            Verify(h, target);
            _position += ChunkFrame.HeaderSize + h.StoredLength;
            _current = ReadOnlyMemory<byte>.Empty;
            _offset = 0;
            direct = h.StoredLength;
            return true;
        }

        if (_payload.Length < h.StoredLength)
        {
            if (_payload.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_payload);
                _payload = [];
            }

            _payload = ArrayPool<byte>.Shared.Rent(h.StoredLength);
        }

        var payload = _payload.AsSpan(0, h.StoredLength);
        _stored.ReadExactly(payload);
        Verify(h, payload);

        _position += ChunkFrame.HeaderSize + h.StoredLength;
        _current = h.Kind != FrameKind.Records ? ReadOnlyMemory<byte>.Empty
            : h.Codec == BufferCompression.Text ? _payload.AsMemory(0, h.StoredLength)
            : ChunkCodec.Decompress(h.Codec, payload, h.RawLength);
        _offset = 0;
        return true;
    }

    private void Verify(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (_verify && ChunkFrame.Checksum(_header.AsSpan(0, 20), payload) != header.Crc)
        {
            throw new InvalidDataException($"chunk frame at offset {_position} fails its checksum");
        }
    }
}
