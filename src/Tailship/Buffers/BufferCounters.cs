namespace Tailship.Buffers;

/// <summary>What a buffered output counts; every field is written with Interlocked and read with Volatile.</summary>
public sealed class BufferCounters
{
    private long _emitRecords;
    private long _writeCount;
    private long _writtenRecords;
    private long _errorCount;
    private long _retryCount;
    private long _secondaryChunks;
    private long _droppedRecords;
    private long _droppedChunks;
    private long _failedChunks;
    private long _damagedChunks;
    private long _storageErrors;

    public long EmitRecords => Volatile.Read(ref _emitRecords);

    /// <summary>Chunks delivered by the primary output.</summary>
    public long WriteCount => Volatile.Read(ref _writeCount);

    public long WrittenRecords => Volatile.Read(ref _writtenRecords);

    /// <summary>Failed writes (each retry that fails counts).</summary>
    public long ErrorCount => Volatile.Read(ref _errorCount);

    public long RetryCount => Volatile.Read(ref _retryCount);

    public long SecondaryChunks => Volatile.Read(ref _secondaryChunks);

    /// <summary>Records dropped: by drop_oldest_chunk, by giving up on a memory chunk, or lost from memory at shutdown.</summary>
    public long DroppedRecords => Volatile.Read(ref _droppedRecords);

    public long DroppedChunks => Volatile.Read(ref _droppedChunks);

    /// <summary>File chunks given up (retry limit, unrecoverable error) and kept as <c>.failed</c>.</summary>
    public long FailedChunks => Volatile.Read(ref _failedChunks);

    public long DamagedChunks => Volatile.Read(ref _damagedChunks);

    /// <summary>Appends that failed because the buffer's storage failed (disk full, not writable).</summary>
    public long StorageErrors => Volatile.Read(ref _storageErrors);

    internal void AddEmit(long records) => Interlocked.Add(ref _emitRecords, records);

    internal void AddWrite(long records)
    {
        Interlocked.Increment(ref _writeCount);
        Interlocked.Add(ref _writtenRecords, records);
    }

    internal void AddError() => Interlocked.Increment(ref _errorCount);

    internal void AddRetry() => Interlocked.Increment(ref _retryCount);

    internal void AddSecondary() => Interlocked.Increment(ref _secondaryChunks);

    internal void AddDropped(long records)
    {
        Interlocked.Increment(ref _droppedChunks);
        Interlocked.Add(ref _droppedRecords, records);
    }

    internal void AddFailed() => Interlocked.Increment(ref _failedChunks);

    internal void AddDamagedChunk() => Interlocked.Increment(ref _damagedChunks);

    internal void AddStorageError() => Interlocked.Increment(ref _storageErrors);
}
