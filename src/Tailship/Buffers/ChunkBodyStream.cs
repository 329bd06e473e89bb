namespace Tailship.Buffers;

/// <summary>
/// A chunk's records as one seekable stream, read in place from the chunk's stored frames (a memory-mapped file): the
/// payloads of its uncompressed record frames, one after the other, without their headers and without the other
/// frames. An S3 upload gives it to the SDK as the request body, which reads it twice (the SigV4 payload hash, then the
/// send) and rewinds it for a retry; each read copies straight from the page cache, so no part buffer is filled first
/// (docs/s3.md, "Upload cost"). Owns the stored stream.
/// </summary>
internal sealed class ChunkBodyStream : Stream
{
    private readonly Stream _stored; // seekable
    private readonly (long At, int Length)[] _payloads; // where each record frame's payload is in _stored
    private readonly long[] _starts; // where each payload starts in this stream
    private readonly long _length;
    private long _position;
    private int _current; // the payload holding _position (or the count when at the end)

    private ChunkBodyStream(Stream stored, (long At, int Length)[] payloads)
    {
        _stored = stored;
        _payloads = payloads;
        _starts = new long[payloads.Length];
        long start = 0;
        for (var i = 0; i < payloads.Length; i++)
        {
            _starts[i] = start;
            start += payloads[i].Length;
        }

        _length = start;
    }

    /// <summary>
    /// Indexes the frames of the first <paramref name="validLength"/> bytes of <paramref name="stored"/> (seekable;
    /// owned from now on); with <paramref name="verify"/>, checks every frame's checksum first. Null (and
    /// <paramref name="stored"/> disposed) when a record frame is compressed: such a chunk is read by
    /// <see cref="ChunkReadStream"/>. Throws <see cref="InvalidDataException"/> for a bad frame.
    /// </summary>
    public static ChunkBodyStream? Open(Stream stored, long validLength, bool verify)
    {
        try
        {
            var payloads = new List<(long At, int Length)>();
            Span<byte> header = stackalloc byte[ChunkFrame.HeaderSize];
            byte[]? payload = null;
            long at = 0;
            while (at + ChunkFrame.HeaderSize <= validLength)
            {
                stored.Position = at;
                stored.ReadExactly(header);
                if (!ChunkFrame.TryReadHeader(header, out var h) || at + ChunkFrame.HeaderSize + h.StoredLength > validLength)
                {
                    throw new InvalidDataException($"chunk frame at offset {at} has a bad header");
                }

                if (h.Kind == FrameKind.Records && h.Codec != BufferCompression.Text)
                {
                    stored.Dispose();
                    return null;
                }

                if (verify)
                {
                    if (payload is null || payload.Length < h.StoredLength)
                    {
                        payload = new byte[Math.Max(h.StoredLength, 64 * 1024)];
                    }

                    stored.ReadExactly(payload.AsSpan(0, h.StoredLength));
                    if (ChunkFrame.Checksum(header[..20], payload.AsSpan(0, h.StoredLength)) != h.Crc)
                    {
                        throw new InvalidDataException($"chunk frame at offset {at} fails its checksum");
                    }
                }

                if (h.Kind == FrameKind.Records && h.StoredLength > 0)
                {
                    payloads.Add((at + ChunkFrame.HeaderSize, h.StoredLength));
                }

                at += ChunkFrame.HeaderSize + h.StoredLength;
            }

            return new ChunkBodyStream(stored, [.. payloads]);
        }
        catch
        {
            stored.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length && _current < _payloads.Length)
        {
            var (at, length) = _payloads[_current];
            var within = _position - _starts[_current];
            var n = (int)Math.Min(buffer.Length - read, length - within);
            _stored.Position = at + within;
            _stored.ReadExactly(buffer.Slice(read, n));
            read += n;
            _position += n;
            if (within + n == length)
            {
                _current++;
            }
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;

        // The payload holding the position: the last one starting at or before it, skipping empty ones (none are kept).
        var index = Array.BinarySearch(_starts, target);
        _current = target >= _length ? _payloads.Length : index >= 0 ? index : ~index - 1;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stored.Dispose();
        }

        base.Dispose(disposing);
    }
}
