using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Tailship.Buffers;

/// <summary>
/// The chunks of one output: staged chunks by key, the queue, the size limits and the group commit.
/// Invariants, under <see cref="_lock"/>: every chunk is in exactly one of <see cref="_staged"/>, <see cref="_queue"/>
/// or the writing set (counted in <see cref="_totalSize"/>) until it is Gone; a queued chunk never takes appends.
/// </summary>
internal sealed partial class ChunkBuffer : IDisposable
{
    /// <summary>
    /// While the background group commit keeps finding new batches (a source running hot), each fsync after the
    /// first waits until this many bytes are written or <see cref="GatherDelay"/> has passed: fewer, larger fsyncs.
    /// </summary>
    internal const long GatherBytes = 2 * 1024 * 1024;

    /// <summary>The most a held batch waits for others before its fsync starts (the first batch after a quiet spell does not wait).</summary>
    internal static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(10);

    private readonly BufferOptions _options;
    private readonly IChunkStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BufferCounters _counters;
    private readonly Lock _lock = new();
    private readonly Dictionary<ChunkKey, BufferChunk> _staged = [];
    private readonly LinkedList<BufferChunk> _queue = new();
    private readonly HashSet<BufferChunk> _dirty = [];
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private readonly List<DeliveryAcknowledgement> _unsynced = []; // guarded by _lock: held until their batch is fsynced
    private bool _syncRunning; // guarded by _lock: a background group commit is running
    private long _unsyncedBytes; // guarded by _lock: bytes of held batches appended since the last fsync started
    private TaskCompletionSource? _gatherFull; // guarded by _lock: completed when _unsyncedBytes reaches GatherBytes
    private TaskCompletionSource _spaceFreed = NewSignal();
    private BufferChunk? _lastAppended; // guarded by _lock: the chunk the last append went to
    private long _totalSize;
    private long _appendSeq;
    private long _syncedSeq;

    public ChunkBuffer(BufferOptions options, IChunkStore store, TimeProvider time, ILogger logger, BufferCounters counters)
    {
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
        _counters = counters;
    }

    /// <summary>Raised (outside the lock) when a chunk is enqueued, so that flush threads wake up.</summary>
    public event Action? Enqueued;

    public bool Durable => _store.Durable;

    public long TotalSize
    {
        get
        {
            lock (_lock)
            {
                return _totalSize;
            }
        }
    }

    public int QueueLength
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public int StagedCount
    {
        get
        {
            lock (_lock)
            {
                return _staged.Count;
            }
        }
    }

    public static ChunkKey KeyOf(ChunkMetadata metadata) =>
        new(metadata.Tag, metadata.TimeKey, metadata.Variables.Count == 0 ? null : string.Join('\u001f', metadata.Variables.Values));

    /// <summary>Takes the chunks of an earlier run into the queue (they take no more appends).</summary>
    public int Recover()
    {
        var recovered = _store.Recover();
        lock (_lock)
        {
            foreach (var chunk in recovered)
            {
                chunk.State = ChunkState.Queued;
                _queue.AddLast(chunk);
                _totalSize += chunk.StoredSize;
            }
        }

        if (recovered.Count > 0)
        {
            Enqueued?.Invoke();
        }

        return recovered.Count;
    }

    /// <summary>
    /// Appends one batch of formatted events for <paramref name="key"/> (<paramref name="data"/> holds them after its
    /// header space; the caller keeps owning it). Applies overflow_action when total_limit_size would be passed.
    /// <para>Durability with a file buffer: when the emit carries a <see cref="DeliveryAcknowledgement"/> (the tail
    /// input), the batch is written and the acknowledgement held until a background group commit has fsynced it, so
    /// the emitter's position moves only after the lines are durable while the emitter reads on; one fsync then
    /// covers every batch written meanwhile. Without an acknowledgement the batch is fsynced before this returns.</para>
    /// </summary>
    public async ValueTask AppendAsync(ChunkKey key, Func<ChunkMetadata> metadata, FormatBuffer data, int records, CancellationToken cancellationToken)
    {
        var rawLength = data.Length;
        byte[]? frame = null;
        var length = ChunkFrame.HeaderSize + rawLength;
        if (_options.Compress == BufferCompression.Text)
        {
            ChunkFrame.WriteHeader(data.Frame, FrameKind.Records, BufferCompression.Text, rawLength, records, checksum: _store.Durable);
        }
        else
        {
            var stored = ChunkCodec.Compress(_options.Compress, data.Written.Span);
            frame = ChunkFrame.Build(FrameKind.Records, _options.Compress, stored, rawLength, records, checksum: _store.Durable, out length);
        }

        var prefix = 0;
        if (_store.Durable && DeliveryScope.Current?.Source is { } source)
        {
            // Stored with the batch, in the same write: recovery drops it if its source reads it again (SourceRollback).
            // An uncompressed batch has room for it before its header; otherwise (or with paths too long for the
            // room) both are copied into one array.
            prefix = frame is null ? SourceFrame.WriteBefore(source, data) : 0;
            if (prefix > 0)
            {
                length += prefix;
            }
            else
            {
                var both = SourceFrame.Prepend(source, frame is null ? data.Frame : frame.AsSpan(0, length), ref length);
                if (frame is not null)
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }

                frame = both;
            }
        }

        try
        {
            long seq;
            var deferSync = false;
            while (true)
            {
                Task wait;
                var enqueued = false;
                lock (_lock)
                {
                    if (_totalSize + length <= _options.TotalLimitSize || _totalSize == 0)
                    {
                        seq = AppendLocked(key, metadata, frame is null ? data.FrameWithPrefix(prefix) : frame.AsSpan(0, length), records, rawLength, out enqueued);
                        if (DeliveryScope.Current is { } ack)
                        {
                            ack.Hold();
                            if (_store.Durable)
                            {
                                // Released by the group commit that fsyncs this batch.
                                _unsynced.Add(ack);
                                _unsyncedBytes += length;
                                if (_unsyncedBytes >= GatherBytes)
                                {
                                    _gatherFull?.TrySetResult();
                                }

                                deferSync = !_syncRunning;
                                _syncRunning = true;
                            }
                            else
                            {
                                // Released when the chunk is delivered.
                                (_lastAppended!.Acknowledgements ??= []).Add(ack);
                            }
                        }

                        break;
                    }

                    wait = Overflow(length, out enqueued);
                }

                if (enqueued)
                {
                    Enqueued?.Invoke();
                }

                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (deferSync)
            {
                _ = Task.Run(SyncInBackgroundAsync, CancellationToken.None);
            }
            else if (_store.Durable && DeliveryScope.Current is null)
            {
                await SyncAsync(seq, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (frame is not null)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    /// <summary>
    /// Fsyncs what is written and not yet durable and releases the acknowledgements it covers; waits for a
    /// background group commit in progress first (shutdown: the positions of every written batch may then move).
    /// </summary>
    public async Task SyncPendingAsync(CancellationToken cancellationToken)
    {
        if (!_store.Durable)
        {
            return;
        }

        long seq;
        lock (_lock)
        {
            seq = _appendSeq;
        }

        await SyncAsync(seq, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fsyncs the batches of <paramref name="chunk"/> unless a group commit already did, releasing their
    /// acknowledgements (a delivered chunk about to be deleted; no cancellation, it takes one fsync at most).
    /// </summary>
    public async ValueTask SyncChunkAsync(BufferChunk chunk)
    {
        if (!_store.Durable)
        {
            return;
        }

        long seq;
        lock (_lock)
        {
            seq = chunk.LastAppendSeq;
        }

        await SyncAsync(seq, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Moves staged chunks that are due (or all of them when <paramref name="force"/>) into the queue.</summary>
    public int EnqueueDue(bool force)
    {
        var now = _time.GetUtcNow();
        var count = 0;
        lock (_lock)
        {
            List<BufferChunk>? due = null;
            foreach (var chunk in _staged.Values)
            {
                if (force || IsDue(chunk, now))
                {
                    (due ??= []).Add(chunk);
                }
            }

            if (due is not null)
            {
                // Interval-flushed chunks wait while the queue is full (queued_chunks_limit_size); time slices and
                // forced flushes do not.
                due.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
                foreach (var chunk in due)
                {
                    if (!force && chunk.Metadata.TimeKey is null && _options.FlushMode == FlushMode.Interval && _queue.Count >= _options.QueuedChunksLimitSize)
                    {
                        break;
                    }

                    EnqueueLocked(chunk);
                    count++;
                }
            }
        }

        if (count > 0)
        {
            Enqueued?.Invoke();
        }

        return count;
    }

    /// <summary>Takes the oldest queued chunk for writing, or null.</summary>
    public BufferChunk? Take()
    {
        lock (_lock)
        {
            var first = _queue.First;
            if (first is null)
            {
                return null;
            }

            _queue.RemoveFirst();
            first.Value.State = ChunkState.Writing;
            return first.Value;
        }
    }

    /// <summary>Puts a chunk whose write failed back at the head of the queue.</summary>
    public void Return(BufferChunk chunk)
    {
        lock (_lock)
        {
            chunk.State = ChunkState.Queued;
            _queue.AddFirst(chunk);
        }
    }

    /// <summary>Forgets a chunk that was delivered, given up or moved aside, and frees its space.</summary>
    public void Release(BufferChunk chunk)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            chunk.State = ChunkState.Gone;
            _dirty.Remove(chunk);
            _totalSize -= chunk.StoredSize;
            signal = _spaceFreed;
            _spaceFreed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Chunks still held (staged and queued): at shutdown, what stays in the buffer.</summary>
    public (int Chunks, long Records) Remaining()
    {
        lock (_lock)
        {
            return (_staged.Count + _queue.Count, _staged.Values.Sum(c => c.RecordCount) + _queue.Sum(c => c.RecordCount));
        }
    }

    /// <summary>Closes file handles; the chunks stay on disk for the next run.</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var c in _staged.Values)
            {
                c.Close();
            }

            foreach (var c in _queue)
            {
                c.Close();
            }
        }
    }

    private long AppendLocked(ChunkKey key, Func<ChunkMetadata> metadata, ReadOnlySpan<byte> frame, int records, long rawLength, out bool enqueued)
    {
        enqueued = false;
        if (_staged.TryGetValue(key, out var chunk) && chunk.Frames > 0
            && (chunk.StoredSize + frame.Length > _options.ChunkLimitSize
                || (_options.ChunkLimitRecords is { } maxRecords && chunk.RecordCount + records > maxRecords)))
        {
            EnqueueLocked(chunk);
            enqueued = true;
            chunk = null;
        }

        if (chunk is null)
        {
            chunk = _store.Create(metadata(), _time.GetUtcNow());
            _staged[key] = chunk;
            _totalSize += chunk.StoredSize;
        }

        var before = chunk.StoredSize;
        chunk.Append(frame, records, rawLength);
        _lastAppended = chunk;
        _totalSize += chunk.StoredSize - before;
        _dirty.Add(chunk);
        chunk.LastAppendSeq = ++_appendSeq;
        if (_options.FlushMode == FlushMode.Immediate
            || chunk.StoredSize >= _options.ChunkLimitSize * _options.ChunkFullThreshold
            || (_options.ChunkLimitRecords is { } limit && chunk.RecordCount >= limit * _options.ChunkFullThreshold))
        {
            EnqueueLocked(chunk);
            enqueued = true;
        }

        return chunk.LastAppendSeq;
    }

    private Task Overflow(int length, out bool enqueued)
    {
        enqueued = false;
        switch (_options.OverflowAction)
        {
            case OverflowAction.Block:
                // Staged chunks that wait for their time slice would hold the space forever: enqueue them so the
                // flush threads can free it, then wait.
                foreach (var chunk in _staged.Values.ToList())
                {
                    EnqueueLocked(chunk);
                    enqueued = true;
                }

                return _spaceFreed.Task;
            case OverflowAction.DropOldestChunk when _queue.First?.Value is { } oldest:
                _queue.RemoveFirst();
                _totalSize -= oldest.StoredSize;
                _dirty.Remove(oldest);
                oldest.State = ChunkState.Gone;
                _counters.AddDropped(oldest.RecordCount);
                LogDroppedOldest(_logger, oldest.Id, oldest.RecordCount, oldest.Location);
                try
                {
                    oldest.Delete();
                }
                catch (IOException ex)
                {
                    LogDeleteFailed(_logger, oldest.Location, ex);
                }

                return Task.CompletedTask;
            default:
                throw new BufferOverflowException($"buffer is full: {_totalSize} bytes held, total_limit_size is {_options.TotalLimitSize}; a batch of {length} bytes was refused (overflow_action {Describe(_options.OverflowAction)})");
        }
    }

    private static string Describe(OverflowAction action) => action switch
    {
        OverflowAction.Block => "block",
        OverflowAction.DropOldestChunk => "drop_oldest_chunk: nothing queued to drop",
        _ => "throw_exception",
    };

    private void EnqueueLocked(BufferChunk chunk)
    {
        if (chunk.State != ChunkState.Staged)
        {
            return;
        }

        _staged.Remove(chunk.Key);
        chunk.State = ChunkState.Queued;
        chunk.Seal();
        _queue.AddLast(chunk);
    }

    private bool IsDue(BufferChunk chunk, DateTimeOffset now)
    {
        if (_options.FlushMode == FlushMode.Immediate)
        {
            return true;
        }

        // A time slice is due once it has ended and timekey_wait has passed, whatever the mode.
        if (chunk.Metadata.TimeKey is { } timekey && _options.Timekey is { } length
            && now >= DateTimeOffset.FromUnixTimeSeconds(timekey) + length + _options.TimekeyWait)
        {
            return true;
        }

        return _options.FlushMode == FlushMode.Interval && now - chunk.CreatedAt >= _options.FlushInterval;
    }

    /// <summary>
    /// Group commit: one fsync covers every batch appended before it started. A caller whose batch is already
    /// covered returns at once.
    /// </summary>
    private async ValueTask SyncAsync(long seq, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _syncedSeq) >= seq)
        {
            return;
        }

        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _syncedSeq) >= seq)
            {
                return;
            }

            SyncLocked();
        }
        finally
        {
            _syncGate.Release();
        }
    }

    // Under _syncGate: fsyncs the directory and every dirty chunk, then releases the acknowledgements of the batches
    // appended before it started (each of them is in a chunk it fsynced, or in one delivered and gone since).
    private void SyncLocked()
    {
        long target;
        BufferChunk[] dirty;
        DeliveryAcknowledgement[] acks;
        lock (_lock)
        {
            target = _appendSeq;
            dirty = [.. _dirty];
            _dirty.Clear();
            acks = _unsynced.Count == 0 ? [] : [.. _unsynced];
            _unsynced.Clear();
            _unsyncedBytes = 0;
        }

        try
        {
            _store.SyncDirectory();
            foreach (var chunk in dirty)
            {
                chunk.FlushToDisk();
            }
        }
        catch
        {
            lock (_lock)
            {
                foreach (var chunk in dirty)
                {
                    if (chunk.State != ChunkState.Gone)
                    {
                        _dirty.Add(chunk);
                    }
                }

                _unsynced.InsertRange(0, acks);
            }

            throw;
        }

        Volatile.Write(ref _syncedSeq, target);
        foreach (var ack in acks)
        {
            ack.Release();
        }
    }

    // The background group commit of acknowledged appends: runs while there are some, one fsync at a time, so the
    // batches written during one fsync share the next. The first fsync starts at once; the following ones (the source
    // is running hot) first gather batches for up to GatherDelay or GatherBytes. A failed fsync is retried after
    // flush_thread_interval; the acknowledgements stay held meanwhile (the emitter's position does not move).
    private async Task SyncInBackgroundAsync()
    {
        var first = true;
        while (true)
        {
            try
            {
                if (!first)
                {
                    await GatherAsync().ConfigureAwait(false);
                }

                first = false;
                await _syncGate.WaitAsync().ConfigureAwait(false);
                try
                {
                    SyncLocked();
                }
                finally
                {
                    _syncGate.Release();
                }
            }
            catch (ObjectDisposedException)
            {
                // Disposed at shutdown after the last sync: nothing is left to release.
                return;
            }
            catch (Exception ex)
            {
                // The loop's one catch-all: the held acknowledgements must not be stranded by an unexpected error.
                _counters.AddStorageError();
                LogSyncFailed(_logger, _store is FileChunkStore files ? files.Directory : "memory", ex);
                await Task.Delay(_options.FlushThreadInterval, _time).ConfigureAwait(false);
            }

            lock (_lock)
            {
                if (_unsynced.Count == 0)
                {
                    _syncRunning = false;
                    return;
                }
            }
        }
    }

    // Waits until GatherBytes of held batches are written or GatherDelay has passed. On the real clock, not the
    // injected TimeProvider: a latency bound of milliseconds for batching fsyncs, not a time any configuration or
    // test observes (a manual test clock would otherwise hold every acknowledgement until a test advances it).
    private async Task GatherAsync()
    {
        Task full;
        lock (_lock)
        {
            if (_unsyncedBytes >= GatherBytes)
            {
                return;
            }

            _gatherFull = NewSignal();
            full = _gatherFull.Task;
        }

        await Task.WhenAny(full, Task.Delay(GatherDelay, TimeProvider.System)).ConfigureAwait(false);
        lock (_lock)
        {
            _gatherFull = null;
        }
    }

    public void Dispose() => _syncGate.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "buffer full: dropped the oldest queued chunk {ChunkId} ({Records} records, {Location}) as overflow_action drop_oldest_chunk says")]
    private static partial void LogDroppedOldest(ILogger logger, string chunkId, long records, string location);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "could not delete buffer chunk {Location}")]
    private static partial void LogDeleteFailed(ILogger logger, string location, Exception error);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Error, Message = "could not fsync the buffer in {Location}; the positions of the batches written stay until it succeeds")]
    private static partial void LogSyncFailed(ILogger logger, string location, Exception error);
}

/// <summary>The buffer refused a batch because total_limit_size is reached (overflow_action throw_exception).</summary>
public sealed class BufferOverflowException : Exception
{
    public BufferOverflowException()
    {
    }

    public BufferOverflowException(string message)
        : base(message)
    {
    }

    public BufferOverflowException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
