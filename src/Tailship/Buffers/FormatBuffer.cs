using System.Buffers;

namespace Tailship.Buffers;

/// <summary>
/// The byte buffer an output formats one batch into, from <see cref="ArrayPool{T}.Shared"/>. Unlike
/// ArrayBufferWriter it can be cut back, so an event whose formatting throws leaves no partial bytes in the chunk.
/// The first <see cref="ChunkFrame.HeaderSize"/> bytes are kept free for the frame header: an uncompressed batch
/// becomes its frame in place (<see cref="Frame"/>), without a copy. Before them, <see cref="PrefixRoom"/> bytes are
/// kept for a frame written in front of it in the same write (the file buffer's <see cref="SourceFrame"/>), so that
/// one needs no copy of the batch either. Owned by one emit at a time; Dispose returns the array.
/// </summary>
internal sealed class FormatBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>The room before the frame header for a prefix frame (<see cref="Prefix"/>).</summary>
    public const int PrefixRoom = 512;

    private const int Reserved = PrefixRoom + ChunkFrame.HeaderSize;
    private byte[] _data;
    private int _end = Reserved;

    public FormatBuffer(int capacity = 16 * 1024)
    {
        _data = ArrayPool<byte>.Shared.Rent(Reserved + capacity);
    }

    /// <summary>Formatted bytes (the header space not counted).</summary>
    public int Length => _end - Reserved;

    public ReadOnlyMemory<byte> Written => _data.AsMemory(Reserved, Length);

    /// <summary>The header space followed by the formatted bytes: what <see cref="ChunkFrame.WriteHeader"/> completes.</summary>
    public Span<byte> Frame => _data.AsSpan(PrefixRoom, _end - PrefixRoom);

    /// <summary>The last <paramref name="length"/> bytes of the prefix room (at most <see cref="PrefixRoom"/>), right before <see cref="Frame"/>.</summary>
    public Span<byte> Prefix(int length) => _data.AsSpan(PrefixRoom - length, length);

    /// <summary><see cref="Frame"/> with the <paramref name="prefixLength"/> bytes of <see cref="Prefix"/> before it.</summary>
    public Span<byte> FrameWithPrefix(int prefixLength) => _data.AsSpan(PrefixRoom - prefixLength, _end - PrefixRoom + prefixLength);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_end + count > _data.Length)
        {
            throw new InvalidOperationException("advanced past the buffer");
        }

        _end += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsMemory(_end);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsSpan(_end);
    }

    public void Truncate(int length) => _end = Reserved + Math.Min(length, Length);

    public void Clear() => _end = Reserved;

    public void Dispose()
    {
        var data = _data;
        _data = [];
        _end = Reserved;
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private void Ensure(int sizeHint)
    {
        var need = _end + Math.Max(sizeHint, 256);
        if (need > _data.Length)
        {
            ObjectDisposedException.ThrowIf(_data.Length == 0, this);
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, _data.Length * 2));
            _data.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = bigger;
        }
    }
}
