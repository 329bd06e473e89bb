using System.Buffers;
using Tailship.Events;

namespace Tailship.Buffers;

/// <summary>
/// What a chunk was created for: the values of the buffer's chunk keys. Outputs use it for placeholders
/// (<c>${tag}</c>, <c>${key}</c>, strftime with the time key) and S3 time slices.
/// </summary>
/// <param name="Tag">The tag, when <c>tag</c> is a chunk key.</param>
/// <param name="TimeKey">Start of the time slice (Unix seconds), when <c>time</c> is a chunk key.</param>
/// <param name="Variables">Values of record-key chunk keys.</param>
public sealed record ChunkMetadata(string? Tag, long? TimeKey, IReadOnlyDictionary<string, string> Variables);

/// <summary>A chunk of formatted events that the flush loop hands to an output.</summary>
public interface IChunk
{
    /// <summary>32 lower-case hex digits, unique, and the same after a restart for the same chunk.</summary>
    string Id { get; }

    ChunkMetadata Metadata { get; }

    long RecordCount { get; }

    /// <summary>Bytes of formatted (uncompressed) data.</summary>
    long ByteSize { get; }

    DateTimeOffset CreatedAt { get; }

    /// <summary>The formatted events, uncompressed, in the order they were appended.</summary>
    Stream OpenRead();

    /// <summary>A value stored with the chunk that survives restarts (e.g. the S3 key fixed at first upload).</summary>
    string? GetAnnotation(string key);

    /// <summary>Stores an annotation durably (fsynced for a file buffer) before returning.</summary>
    ValueTask SetAnnotationAsync(string key, string value, CancellationToken cancellationToken);
}

/// <summary>
/// An output that delivers through a buffer. The buffer calls <see cref="Format"/> when events are appended and
/// <see cref="WriteAsync"/> when a chunk is flushed. Who owns failure: the output throws, the flush loop retries
/// with backoff and decides when to give up; a chunk is deleted only after <see cref="WriteAsync"/> returned.
/// </summary>
public interface IBufferedOutput
{
    /// <summary>Formats one event into the bytes the chunk stores.</summary>
    void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output);

    /// <summary>Delivers a whole chunk; must be idempotent for the same <see cref="IChunk.Id"/>.</summary>
    Task WriteAsync(IChunk chunk, CancellationToken cancellationToken);
}

/// <summary>
/// A buffered output with work of its own to start and stop (start-up checks, clients). The host starts it before
/// recovering chunks and stops it after its last flush; the host also disposes it when it is <see cref="IAsyncDisposable"/>
/// and reports its readiness when it is <see cref="Observability.IReadiness"/>.
/// </summary>
public interface IBufferedOutputLifecycle
{
    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>Thrown by an output for a failure that retrying cannot fix (the flush loop moves the chunk aside).</summary>
public sealed class UnrecoverableOutputException : Exception
{
    public UnrecoverableOutputException()
    {
    }

    public UnrecoverableOutputException(string message)
        : base(message)
    {
    }

    public UnrecoverableOutputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// A chunk whose records can be read as one seekable stream without a copy (a file chunk of uncompressed frames): an
/// upload can hand it to an HTTP client as the request body.
/// </summary>
internal interface IChunkBody
{
    /// <summary>The records, seekable, or null when this chunk cannot give them so (then use <see cref="IChunk.OpenRead"/>).</summary>
    Stream? OpenBody();
}
