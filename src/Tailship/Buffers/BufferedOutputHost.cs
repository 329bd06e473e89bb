using Microsoft.Extensions.Logging;
using Tailship.Events;
using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Buffers;

internal enum FlushResult
{
    /// <summary>Nothing to write, or a retry is not due yet.</summary>
    Idle,
    Delivered,
    Failed,
}

/// <summary>
/// An <see cref="IOutput"/> that puts a buffer in front of an <see cref="IBufferedOutput"/>: emits are formatted and
/// appended to chunks (fsynced before returning with a file buffer), and this host's own flush threads write queued
/// chunks, retry with backoff, switch to <c>&lt;secondary&gt;</c>, and give up only as configured. Each host has its
/// own loop, so one stuck output never stalls another. Who owns failure: the output throws, this loop decides.
/// </summary>
internal sealed partial class BufferedOutputHost : IOutput, IReadiness, IAsyncDisposable
{
    private const int MinFormatCapacity = 16 * 1024;
    private const int MaxFormatCapacity = 1024 * 1024;
    private int _formatCapacity = MinFormatCapacity; // see RememberFormatSize
    private readonly IBufferedOutput _output;
    private readonly IBufferedOutput? _secondary;
    private readonly BufferOptions _options;
    private readonly PluginContext _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
    private readonly ChunkBuffer _buffer;
    private readonly string _location;
    private readonly Lock _retryLock = new();
    private readonly CancellationTokenSource _stopLoops = new();
    private readonly CancellationTokenSource _abortWrites = new();
    private RetrySchedule? _retry; // guarded by _retryLock
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task[] _workers = [];
    private int _storageFailing;
    private volatile bool _stopped;

    public BufferedOutputHost(IBufferedOutput output, BufferOptions options, PluginContext context, IBufferedOutput? secondary = null, Func<double>? random = null)
    {
        _output = output;
        _secondary = secondary;
        _options = options;
        _context = context;
        _time = context.Time;
        _logger = context.CreateLogger("Tailship.Buffers." + context.PluginType);
        _random = random ?? Random.Shared.NextDouble;
        IChunkStore store = options.Path is { } path ? new FileChunkStore(path, _logger, Counters, context.Sources) : new MemoryChunkStore();
        _location = options.Path ?? "memory";
        _buffer = new ChunkBuffer(options, store, _time, _logger, Counters);
        _buffer.Enqueued += Wake;
    }

    public BufferCounters Counters { get; } = new();

    /// <summary>
    /// Builds the host for an output's bound config: <paramref name="secondary"/> is the bound <c>&lt;secondary&gt;</c>
    /// section (<c>config.GetSection("secondary")</c>), or null.
    /// </summary>
    public static BufferedOutputHost Create(IBufferedOutput output, BufferOptions options, PluginContext context, Config.SectionConfig? secondary)
    {
        var second = secondary is null ? null : context.CreateNested<IBufferedOutput>(secondary);
        if (second is Outputs.SecondaryFile.SecondaryFileOutput file)
        {
            file.Zone = options.Zone;
        }

        return new BufferedOutputHost(output, options, context, second);
    }

    internal ChunkBuffer Buffer => _buffer;

    /// <summary>The output this host delivers to.</summary>
    internal IBufferedOutput Output => _output;

    internal BufferOptions Options => _options;

    /// <summary>True while appends fail because of the buffer's storage (emits wait: reading pauses).</summary>
    public bool StorageFailing => Volatile.Read(ref _storageFailing) == 1;

    /// <summary>Recovers chunks of an earlier run, then starts the flush threads.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_output is IBufferedOutputLifecycle lifecycle)
        {
            await lifecycle.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        RecoverChunks();
        ReportBuffer();
        _workers = Enumerable.Range(0, _options.FlushThreadCount).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)).ToArray();
    }

    /// <summary>The output's own readiness when it reports one (an output without it is always ready).</summary>
    public ReadinessStatus CheckReadiness() => _output is IReadiness readiness ? readiness.CheckReadiness() : ReadinessStatus.Ready;

    /// <summary>Only recovery, without flush threads (tests drive flushing by hand).</summary>
    internal int RecoverChunks()
    {
        var count = _buffer.Recover();
        if (count > 0)
        {
            LogRecovered(_logger, _context.PluginId, count, _location);
        }

        return count;
    }

    public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        var keys = _options.Keys;
        var groups = new List<Group>(1);

        // The events of a batch mostly share their second: the time slice (a zone offset lookup) once per second.
        var sliceOf = long.MinValue;
        long? slice = null;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i];
                var values = keys.ValuesOf(e.Record);
                if (keys.Time && e.Time.Seconds != sliceOf)
                {
                    sliceOf = e.Time.Seconds;
                    slice = BufferStrftime.SliceStart(sliceOf, (long)_options.Timekey!.Value.TotalSeconds, _options.Zone);
                }

                var key = new ChunkKey(keys.Tag ? tag : null, slice, values.Length == 0 ? null : string.Join('\u001f', values));
                var group = Find(groups, key);
                if (group is null)
                {
                    group = new Group(key, values, Volatile.Read(ref _formatCapacity));
                    groups.Add(group);
                }

                var before = group.Data.Length;
                try
                {
                    _output.Format(tag, e.Time, e.Record, group.Data);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    group.Data.Truncate(before);
                    LogFormatFailed(_logger, _context.PluginId, tag, ex);
                    await _context.Router.EmitErrorAsync(tag, e, ex, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                group.Records++;
                if (group.Data.Length >= _options.ChunkLimitSize * _options.ChunkFullThreshold
                    || (_options.ChunkLimitRecords is { } limit && group.Records >= limit))
                {
                    await AppendAsync(tag, group, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var group in groups)
            {
                if (group.Records > 0)
                {
                    await AppendAsync(tag, group, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var group in groups)
            {
                group.Data.Dispose();
            }
        }

        ReportBuffer();
    }

    // Most batches have one group (one tag, one time slice): a linear search, without an enumerator.
    private static Group? Find(List<Group> groups, ChunkKey key)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i].Key == key)
            {
                return groups[i];
            }
        }

        return null;
    }

    /// <summary>Enqueues due chunks and writes at most one; the flush threads call this in a loop.</summary>
    internal async Task<FlushResult> FlushOnceAsync(CancellationToken cancellationToken)
    {
        _buffer.EnqueueDue(force: false);
        return await WriteNextAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the oldest queued chunk if no retry wait is pending.</summary>
    internal async Task<FlushResult> WriteNextAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        bool useSecondary;
        bool retrying;
        lock (_retryLock)
        {
            if (_retry is { } pending && now < pending.NextTime)
            {
                return FlushResult.Idle;
            }

            retrying = _retry is not null;
            useSecondary = _secondary is not null && (_retry?.UseSecondary(now) ?? false);
        }

        var chunk = _buffer.Take();
        if (chunk is null)
        {
            return FlushResult.Idle;
        }

        if (retrying)
        {
            PluginMetrics.Retries.Increment();
        }

        // Before the chunk leaves (an object keyed by the chunk may exist from then on), the positions of its lines
        // are written: a restart then never cuts lines out of a chunk that was already sent (SourceRollback cuts only
        // lines past the saved positions), so a re-send overwrites its own object instead of the cut lines arriving
        // a second time in a new chunk.
        await SavePositionsOfAsync(chunk, everything: true).ConfigureAwait(false);
        try
        {
            if (useSecondary)
            {
                await _secondary!.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                Counters.AddSecondary();
                LogSecondary(_logger, _context.PluginId, chunk.Id, chunk.RecordCount);
            }
            else
            {
                await _output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                Counters.AddWrite(chunk.RecordCount);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _buffer.Return(chunk);
            throw;
        }
        catch (Exception ex) when (ex is UnrecoverableOutputException or InvalidDataException)
        {
            Counters.AddError();
            if (!useSecondary && _secondary is not null && await TrySecondaryAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                await CompleteAsync(chunk).ConfigureAwait(false);
                return FlushResult.Delivered;
            }

            GiveUp(chunk, ex is InvalidDataException ? "chunk data damaged" : "unrecoverable error", ex is InvalidDataException ? FileChunk.DamagedSuffix : FileChunk.FailedSuffix, ex);
            return FlushResult.Failed;
        }
        catch (Exception ex)
        {
            Counters.AddError();
            OnFailure(chunk, ex, now);
            return FlushResult.Failed;
        }

        await CompleteAsync(chunk).ConfigureAwait(false);
        lock (_retryLock)
        {
            if (_retry is { } done)
            {
                LogRecoveredFromRetry(_logger, _context.PluginId, done.Steps);
                PluginMetrics.SetRetry(null);
            }

            _retry = null;
        }

        return FlushResult.Delivered;
    }

    /// <summary>The instant the next retry may run, or null when no retry is pending.</summary>
    internal DateTimeOffset? NextRetryTime
    {
        get
        {
            lock (_retryLock)
            {
                return _retry?.NextTime;
            }
        }
    }

    /// <summary>
    /// Stops the flush threads (an in-flight write finishes unless the deadline passes), flushes everything when
    /// flush_at_shutdown says so, within <paramref name="cancellationToken"/>'s deadline, and keeps the rest on disk
    /// (file buffer) or reports it lost (memory buffer).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var abort = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abortWrites);
        await _stopLoops.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        try
        {
            if (_options.FlushAtShutdown)
            {
                await FlushAllAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The deadline passed: what is left is reported below.
        }
        finally
        {
            await SyncAtStopAsync().ConfigureAwait(false);
            ReportBuffer();
            var (chunks, records) = _buffer.Remaining();
            if (chunks > 0)
            {
                if (_buffer.Durable)
                {
                    LogKeptAtShutdown(_logger, _context.PluginId, chunks, records, _location);
                }
                else
                {
                    Counters.AddDropped(records);
                    LogLostAtShutdown(_logger, _context.PluginId, chunks, records);
                }
            }

            _buffer.CloseAll();
            if (_output is IBufferedOutputLifecycle lifecycle)
            {
                // Not the shutdown deadline: the output's stop only cancels its own background work and waits for it.
                await lifecycle.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await StopAsync(cts.Token).ConfigureAwait(false);
        }

        _stopLoops.Dispose();
        _abortWrites.Dispose();
        _buffer.Dispose();
        if (_output is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Enqueues every staged chunk and writes until the queue is empty, waiting out retry backoff.</summary>
    internal async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        _buffer.EnqueueDue(force: true);
        while (_buffer.QueueLength > 0)
        {
            var result = await WriteNextAsync(cancellationToken).ConfigureAwait(false);
            if (result != FlushResult.Delivered && NextRetryTime is { } next)
            {
                var wait = next - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    // The last group commit: every batch written before the stop becomes durable and its acknowledgement is released.
    private async Task SyncAtStopAsync()
    {
        try
        {
            await _buffer.SyncPendingAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not durable: the acknowledgements stay held, so the emitters' positions stay before these batches and
            // they are read again after the restart.
            LogStorageFailing(_logger, _context.PluginId, _location, ex.Message, ex);
        }
    }

    private async Task AppendAsync(string tag, Group group, CancellationToken cancellationToken)
    {
        var keys = _options.Keys;
        var key = group.Key;
        var values = group.Values;
        ChunkMetadata Metadata()
        {
            var variables = new Dictionary<string, string>(values.Length, StringComparer.Ordinal);
            for (var i = 0; i < values.Length; i++)
            {
                variables[keys.RecordKeys[i]] = values[i];
            }

            return new ChunkMetadata(keys.Tag ? tag : null, key.TimeKey, variables);
        }

        while (true)
        {
            try
            {
                await _buffer.AppendAsync(key, Metadata, group.Data, group.Records, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Disk full or directory not writable: nothing of this batch was acknowledged. Wait and try again,
                // so the emitter (the tail input) waits too and keeps its position: reading pauses, nothing is lost.
                Counters.AddStorageError();
                if (Interlocked.Exchange(ref _storageFailing, 1) == 0)
                {
                    LogStorageFailing(_logger, _context.PluginId, _location, ex.Message, ex);
                }

                await Task.Delay(_options.FlushThreadInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        if (Interlocked.Exchange(ref _storageFailing, 0) == 1)
        {
            LogStorageRecovered(_logger, _context.PluginId);
        }

        Counters.AddEmit(group.Records);
        PluginMetrics.BytesIn.Add(group.Data.Written.Length);
        RememberFormatSize(group.Data.Length);
        group.Data.Clear();
        group.Records = 0;
    }

    private async Task WorkerAsync()
    {
        var loop = _stopLoops.Token;
        while (!loop.IsCancellationRequested)
        {
            try
            {
                var result = await FlushOnceAsync(_abortWrites.Token).ConfigureAwait(false);
                ReportBuffer();
                var pause = result == FlushResult.Delivered && _buffer.QueueLength > 0 ? _options.FlushThreadBurstInterval : _options.FlushThreadInterval;
                await WaitAsync(pause, result != FlushResult.Delivered, loop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (loop.IsCancellationRequested || _abortWrites.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The one catch-all of the loop: an unexpected error must not end flushing for good.
                LogLoopError(_logger, _context.PluginId, ex);
                await WaitAsync(_options.FlushThreadInterval, wakeable: false, loop).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitAsync(TimeSpan pause, bool wakeable, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(pause, _time, cts.Token);
        var done = wakeable ? await Task.WhenAny(delay, Volatile.Read(ref _wake).Task).ConfigureAwait(false) : delay;
        await cts.CancelAsync().ConfigureAwait(false);
        if (done == delay)
        {
            await delay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task<bool> TrySecondaryAsync(BufferChunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            await _secondary!.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            Counters.AddSecondary();
            LogSecondary(_logger, _context.PluginId, chunk.Id, chunk.RecordCount);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Counters.AddError();
            LogLoopError(_logger, _context.PluginId, ex);
            return false;
        }
    }

    private void OnFailure(BufferChunk chunk, Exception error, DateTimeOffset now)
    {
        bool giveUp;
        RetrySchedule schedule;
        lock (_retryLock)
        {
            if (_retry is null)
            {
                _retry = new RetrySchedule(_options.Retry, now, _secondary is not null, _random);
                giveUp = _retry.NoRetries;
            }
            else
            {
                Counters.AddRetry();
                giveUp = !_retry.Step(now);
            }

            schedule = _retry;
            if (giveUp)
            {
                _retry = null;
            }
        }

        if (giveUp)
        {
            GiveUp(chunk, $"retry limit reached after {schedule.Steps} retries", FileChunk.FailedSuffix, error);
            return;
        }

        _buffer.Return(chunk);
        ReportFailure(schedule);
        LogRetry(_logger, _context.PluginId, chunk.Id, chunk.RecordCount, schedule.Steps + 1, schedule.NextTime, error);
    }

    private void GiveUp(BufferChunk chunk, string reason, string suffix, Exception error)
    {
        string? kept = null;
        try
        {
            kept = chunk.MoveAside(suffix);
        }
        catch (IOException ex)
        {
            LogDeleteFailed(_logger, _context.PluginId, chunk.Location, ex);
        }

        if (kept is not null)
        {
            Counters.AddFailed();
            LogGaveUpKept(_logger, _context.PluginId, chunk.Id, chunk.RecordCount, reason, kept, error);
        }
        else
        {
            Counters.AddDropped(chunk.RecordCount);
            LogGaveUpLost(_logger, _context.PluginId, chunk.Id, chunk.RecordCount, reason, error);
        }

        _buffer.Release(chunk);
    }

    /// <summary>
    /// With a durable buffer: fsyncs the chunk's batches, or every batch written so far when
    /// <paramref name="everything"/> (which releases their acknowledgements), and has the inputs write the positions
    /// they allow. The tail inputs write their positions at a bounded rate; this is done before a chunk is sent and
    /// again before it is deleted, else a crash right after either has lines read and sent again. Before a send it
    /// is every batch: a position moves past a chunk's lines only once the earlier lines of the same file, which may
    /// sit in another chunk (another time slice or tag), are durable too.
    /// </summary>
    private async Task SavePositionsOfAsync(BufferChunk chunk, bool everything = false)
    {
        if (!_buffer.Durable || _context.Sources is not { } sources)
        {
            return;
        }

        try
        {
            if (everything)
            {
                await _buffer.SyncPendingAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _buffer.SyncChunkAsync(chunk).ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            // Their acknowledgements stay held, so their positions do not move: read again after a restart.
            LogSyncBeforeSendFailed(_logger, _context.PluginId, chunk.Location, ex);
        }

        sources.SavePositions();
    }

    private async Task CompleteAsync(BufferChunk chunk)
    {
        await SavePositionsOfAsync(chunk).ConfigureAwait(false);
        try
        {
            chunk.Delete();
        }
        catch (IOException ex)
        {
            LogDeleteFailed(_logger, _context.PluginId, chunk.Location, ex);
        }

        _buffer.Release(chunk);
        if (chunk.Acknowledgements is { } acks)
        {
            chunk.Acknowledgements = null;
            foreach (var ack in acks)
            {
                ack.Release();
            }

            // This delivery is what lets those positions move: have them written now rather than at the inputs'
            // bounded rate, so a crash soon after it reads (and sends) as little again as it can.
            _context.Sources?.SavePositions();
        }
    }

    // The next emit's format buffer starts at about the size the last one reached (batches of one source are alike),
    // so it is not grown by doubling, a copy each time, while it is filled: 16 KB to 1 MB.
    private void RememberFormatSize(int length) =>
        Volatile.Write(ref _formatCapacity, Math.Clamp(length + (length / 8), MinFormatCapacity, MaxFormatCapacity));

    /// <summary>The events of one emit that share chunk-key values, formatted.</summary>
    private sealed class Group(ChunkKey key, string[] values, int capacity)
    {
        public ChunkKey Key { get; } = key;

        public string[] Values { get; } = values;

        public FormatBuffer Data { get; } = new(capacity);

        public int Records { get; set; }
    }
}
