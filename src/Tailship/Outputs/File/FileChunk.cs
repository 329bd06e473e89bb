using System.Buffers;

namespace Tailship.Outputs.File;

/// <summary>
/// Formatted events bound for one file: one chunk key (time slice and/or tag), in arrival order. Filled under
/// the output's lock; written by the one writer that holds the write gate.
/// </summary>
internal sealed class FileChunk(long? sliceStart, string? tag, DateTimeOffset created)
{
    public long? SliceStart { get; } = sliceStart;

    public string? Tag { get; } = tag;

    public DateTimeOffset Created { get; } = created;

    public ArrayBufferWriter<byte> Data { get; } = new(4096);

    public int Events { get; set; }

    /// <summary>Failed writes so far; the next try waits longer each time.</summary>
    public int Failures { get; set; }

    public DateTimeOffset RetryAt { get; set; } = DateTimeOffset.MinValue;
}
