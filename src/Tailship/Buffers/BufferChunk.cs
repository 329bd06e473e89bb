namespace Tailship.Buffers;

internal enum ChunkState
{
    /// <summary>Takes appends.</summary>
    Staged,

    /// <summary>Closed for appends, waiting for a flush thread.</summary>
    Queued,

    /// <summary>Being written by a flush thread.</summary>
    Writing,

    /// <summary>Delivered and deleted, given up, or moved aside.</summary>
    Gone,
}

/// <summary>
/// A chunk as the buffer holds it. State and sizes are owned by <see cref="ChunkBuffer"/> and change under its lock;
/// <see cref="Append"/> is called under that lock, so one chunk never sees two appends at once.
/// </summary>
internal abstract class BufferChunk : IChunk
{
    private readonly Dictionary<string, string> _annotations = new(StringComparer.Ordinal);

    protected BufferChunk(string id, ChunkMetadata metadata, DateTimeOffset createdAt)
    {
        Id = id;
        Metadata = metadata;
        CreatedAt = createdAt;
    }

    public string Id { get; }

    public ChunkMetadata Metadata { get; }

    public DateTimeOffset CreatedAt { get; }

    public long RecordCount { get; protected set; }

    public long ByteSize { get; protected set; }

    /// <summary>Bytes the chunk takes in the buffer (frames, compressed): what total_limit_size counts.</summary>
    public long StoredSize { get; protected set; }

    /// <summary>Record frames appended (the metadata frame not counted).</summary>
    public int Frames { get; protected set; }

    public ChunkState State { get; set; }

    /// <summary>The buffer's append sequence number of the last batch appended (guarded by the buffer's lock).</summary>
    public long LastAppendSeq { get; set; }

    /// <summary>The chunk-key values it was created for (owned by the buffer).</summary>
    public ChunkKey Key { get; init; }

    /// <summary>
    /// Acknowledgements of the batches in this chunk, released after delivery (memory buffers only; guarded by the
    /// buffer's lock while staged, then owned by the flush thread that delivers the chunk).
    /// </summary>
    public List<DeliveryAcknowledgement>? Acknowledgements { get; set; }

    /// <summary>Where the chunk lives, for messages: a file path, or "memory".</summary>
    public abstract string Location { get; }

    public abstract Stream OpenRead();

    /// <summary>Called when the chunk is closed for appends (queued); a file chunk notes its file's state then.</summary>
    public virtual void Seal()
    {
    }

    public string? GetAnnotation(string key)
    {
        lock (_annotations)
        {
            return _annotations.TryGetValue(key, out var v) ? v : null;
        }
    }

    public async ValueTask SetAnnotationAsync(string key, string value, CancellationToken cancellationToken)
    {
        Dictionary<string, string> snapshot;
        lock (_annotations)
        {
            _annotations[key] = value;
            snapshot = new Dictionary<string, string>(_annotations, StringComparer.Ordinal);
        }

        await PersistAnnotationsAsync(snapshot, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends one frame; on failure the chunk is as it was before the call.</summary>
    public abstract void Append(ReadOnlySpan<byte> frame, int records, long rawLength);

    /// <summary>Makes every appended frame durable (fsync); a no-op in memory.</summary>
    public abstract void FlushToDisk();

    /// <summary>Removes the chunk after delivery.</summary>
    public abstract void Delete();

    /// <summary>Keeps a chunk that cannot be delivered where an operator can find it; returns where.</summary>
    public abstract string? MoveAside(string suffix);

    /// <summary>Releases open handles, keeping the data (shutdown).</summary>
    public abstract void Close();

    protected void LoadAnnotations(IReadOnlyDictionary<string, string> annotations)
    {
        lock (_annotations)
        {
            foreach (var (k, v) in annotations)
            {
                _annotations[k] = v;
            }
        }
    }

    protected abstract ValueTask PersistAnnotationsAsync(IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken);
}

/// <summary>The chunk-key values of a chunk, compared by value: events with equal keys share a staged chunk.</summary>
internal readonly record struct ChunkKey(string? Tag, long? TimeKey, string? Variables);
