namespace Tailship.Text;

/// <summary>Appends bytes to a span the caller has sized; writing past its end throws.</summary>
internal ref struct SpanWriter
{
    private readonly Span<byte> _span;

    public SpanWriter(Span<byte> span)
    {
        _span = span;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly Span<byte> Written => _span[..Position];

    public void Write(byte b) => _span[Position++] = b;

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[Position..]);
        Position += bytes.Length;
    }

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="b"/> (nothing when count is not positive).</summary>
    public void Pad(byte b, int count)
    {
        if (count > 0)
        {
            _span.Slice(Position, count).Fill(b);
            Position += count;
        }
    }
}
