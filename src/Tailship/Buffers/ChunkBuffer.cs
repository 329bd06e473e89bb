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
    /// Appends one batch of formatted events for <paramref name="key"/>; with a file buffer the batch is fsynced
    /// before this returns. Applies overflow_action when total_limit_size would be passed.
    /// </summary>
    public async ValueTask AppendAsync(ChunkKey key, Func<ChunkMetadata> metadata, ReadOnlyMemory<byte> raw, int records, CancellationToken cancellationToken)
    {
        var stored = _options.Compress == BufferCompression.Text ? raw : ChunkCodec.Compress(_options.Compress, raw.Span);
        var frame = ChunkFrame.Build(FrameKind.Records, _options.Compress, stored.Span, raw.Length, records, checksum: _store.Durable, out var length);
        if (_store.Durable && DeliveryScope.Current?.Source is { } source)
        {
            // Stored with the batch, in the same write: recovery drops it if its source reads it again (SourceRollback).
            frame = SourceFrame.Prepend(source, frame, ref length);
        }

        try
        {
            long seq;
            while (true)
            {
                Task wait;
                var enqueued = false;
                lock (_lock)
                {
                    if (_totalSize + length <= _options.TotalLimitSize || _totalSize == 0)
                    {
                        seq = AppendLocked(key, metadata, frame.AsSpan(0, length), records, raw.Length, out enqueued);
                        if (!_store.Durable && DeliveryScope.Current is { } ack)
                        {
                            // Held until the chunk is delivered; a file buffer needs no hold: the fsync below is the acknowledgement.
                            ack.Hold();
                            (_lastAppended!.Acknowledgements ??= []).Add(ack);
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

            if (_store.Durable)
            {
                await SyncAsync(seq, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
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
        if (_options.FlushMode == FlushMode.Immediate
            || chunk.StoredSize >= _options.ChunkLimitSize * _options.ChunkFullThreshold
            || (_options.ChunkLimitRecords is { } limit && chunk.RecordCount >= limit * _options.ChunkFullThreshold))
        {
            EnqueueLocked(chunk);
            enqueued = true;
        }

        return ++_appendSeq;
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

            long target;
            BufferChunk[] dirty;
            lock (_lock)
            {
                target = _appendSeq;
                dirty = [.. _dirty];
                _dirty.Clear();
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
                }

                throw;
            }

            Volatile.Write(ref _syncedSeq, target);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    public void Dispose() => _syncGate.Dispose();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "buffer full: dropped the oldest queued chunk {ChunkId} ({Records} records, {Location}) as overflow_action drop_oldest_chunk says")]
    private static partial void LogDroppedOldest(ILogger logger, string chunkId, long records, string location);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "could not delete buffer chunk {Location}")]
    private static partial void LogDeleteFailed(ILogger logger, string location, Exception error);
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
