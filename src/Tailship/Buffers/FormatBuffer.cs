using System.Buffers;

namespace Tailship.Buffers;

/// <summary>
/// A growable byte buffer the output formats events into. Unlike ArrayBufferWriter it can be cut back, so an event
/// whose formatting throws leaves no partial bytes in the chunk.
/// </summary>
internal sealed class FormatBuffer : IBufferWriter<byte>
{
    private byte[] _data;

    public FormatBuffer(int capacity = 4096)
    {
        _data = new byte[capacity];
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Written => _data.AsMemory(0, Length);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Length + count > _data.Length)
        {
            throw new InvalidOperationException("advanced past the buffer");
        }

        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsSpan(Length);
    }

    public void Truncate(int length) => Length = Math.Min(length, Length);

    public void Clear() => Length = 0;

    private void Ensure(int sizeHint)
    {
        var need = Length + Math.Max(sizeHint, 256);
        if (need > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(need, _data.Length * 2));
        }
    }
}
