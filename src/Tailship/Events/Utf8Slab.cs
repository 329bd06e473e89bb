namespace Tailship.Events;

/// <summary>
/// Copies of short UTF-8 strings (the lines and fields parsers keep) carved from shared blocks, so a parsed line
/// costs no array of its own: one allocation per block instead of one per line, and no zeroing of bytes that are
/// overwritten at once.
/// </summary>
/// <remarks>
/// A block is never reused or written again where a value already points, so the values stay immutable, as
/// <see cref="RecordValue.FromUtf8(byte[], int, int)"/> requires. Blocks are per thread (no locking on the hot path).
/// The price: a value kept for long (in a filter's state, say) keeps its whole block alive; a block is small.
/// </remarks>
internal static class Utf8Slab
{
    /// <summary>The size of a block: about 300 lines of 100 bytes.</summary>
    internal const int BlockSize = 32 * 1024;

    /// <summary>Longer strings get an array of their own (they would waste most of a block).</summary>
    internal const int MaxSlabbed = 2 * 1024;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A string value holding a copy of <paramref name="utf8"/>.</summary>
    public static RecordValue Copy(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxSlabbed)
        {
            return RecordValue.FromUtf8(utf8.ToArray());
        }

        var block = t_block;
        var used = t_used;
        if (block is null || block.Length - used < utf8.Length)
        {
            // Uninitialized: only the copied ranges are ever read.
            block = GC.AllocateUninitializedArray<byte>(BlockSize);
            used = 0;
            t_block = block;
        }

        utf8.CopyTo(block.AsSpan(used));
        t_used = used + utf8.Length;
        return RecordValue.FromUtf8(block, used, utf8.Length);
    }
}
