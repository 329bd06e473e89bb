using System.Text;
using Microsoft.Win32.SafeHandles;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Parsers;
using Tailship.Parsers.Cri;

namespace Tailship.Inputs.Tail;

/// <summary>
/// Follows one watched path: reads its file, frames lines, parses and emits them, and notices rotation (a new inode
/// at the path), truncation (the file shrank) and removal. A rotated file is read to its end, and for
/// <c>rotate_wait</c> longer, before it is closed; its lines always come before the new file's.
/// </summary>
/// <remarks>
/// One loop task owns all mutable state here except <see cref="Path"/> and the matched flag, which the refresh
/// loop sets. The loop has one catch-all: it logs, rewinds every reader to what the router accepted, backs off and
/// retries, so an exception never stops tailing and never skips or repeats a line.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The loop owns its readers and closes them in its finally; no other thread may.")]
internal sealed class TailWatch : ILineSink, IStatSweepTarget
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private readonly TailRuntime _rt;
    private readonly AsyncSignal _signal = new();
    private readonly List<(TailFileReader Reader, DateTimeOffset Deadline)> _draining = [];
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Action<EventTime, Record> _emit;
    private readonly EventBatch _batch;
    private readonly bool _startAtEnd;
    private readonly ulong? _expectedInode;
    private readonly DeliveryCommitQueue _commits;
    private volatile string _path;
    private string _appliedPath;
    private TailFileReader? _current;
    private TailFileReader? _active; // the reader whose lines OnLine receives
    private EventTime _readTime;
    private string _tag;
    private RecordValue _pathValue;
    private bool _opened;
    private bool _missing;
    private long _unmatchedSinceTicks = -1; // UTC ticks, written by the refresh loop
    private long _sequence;
    private bool _lastCheckpointCaughtUp; // the last checkpoint handed on was at the end of its file (reading loop only)
    private byte[] _converted = [];
    private DateTimeOffset _windowStart;
    private long _windowBytes;
    private DateTimeOffset? _throttledUntil;
    private long _lag = -1; // -1 until the first pass; then written by the loop, read by the metrics
    private int _failures;
    private long _lastMtimeTicks; // mtime of the file as of the loop's last look at its path

    // What the loop saw when it last went idle, for the stat sweep (another thread). Invariant: _idleValid is 1 only
    // while the loop waits with nothing left to do but what a change of the file's size, mtime or inode would bring;
    // the values are those the loop itself observed (not a later stat), so a change after the loop's last read
    // always differs from them and wakes it.
    private int _idleValid;
    private long _idleInode;
    private long _idleSize;
    private long _idleMtimeTicks;

    // Sweep thread only: the path in the kernel's form, rebuilt when the path changes (follow_inodes renames).
    private string? _sweepPath;
    private byte[] _sweepNativePath = [];

    public TailWatch(TailRuntime runtime, string path, PositionEntry entry, bool startAtEnd, ulong? expectedInode)
    {
        _rt = runtime;
        _path = path;
        _appliedPath = path;
        Entry = entry;
        _startAtEnd = startAtEnd;
        _expectedInode = expectedInode;
        _tag = runtime.Tag.For(path);
        _pathValue = RecordValue.From(path);
        // Small at first: most files are idle most of the time, and a thousand watches with a full-size batch each
        // would hold 16 MB for nothing. A busy file grows it (doubling) to what read_lines_limit needs, once.
        _batch = new EventBatch(Math.Min(runtime.Options.ReadLinesLimit, 32));
        _emit = Add;
        _commits = new DeliveryCommitQueue(runtime.CommitPolicy);
    }

    public string Path => _path;

    public PositionEntry Entry { get; }

    /// <summary>The inode this watch is bound to (follow_inodes), or null.</summary>
    public ulong? ExpectedInode => _expectedInode;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Opens the file now, so that where reading starts (the end, for a file found at start) is fixed when the
    /// input's start returns, then starts the loop. An open that fails is retried by the loop.
    /// </summary>
    public void Start()
    {
        foreach (var notifier in _rt.Notifiers)
        {
            _subscriptions.Add(notifier.Watch(_path, Wake));
        }

        if (_rt.Sweep is { } sweep)
        {
            _subscriptions.Add(sweep.Register(this));
        }

        try
        {
            TryOpen();
        }
        catch (IOException)
        {
            // The loop's first pass opens it again and reports what goes wrong.
        }

        Completion = Task.Run(RunAsync);
    }

    public void Wake() => _signal.Set();

    /// <summary>Whether the loop is waiting with a wake-up pending (for tests).</summary>
    internal bool WakePending => _signal.IsSet;

    /// <summary>Whether the loop went idle with its file settled, so the stat sweep leaves it alone (for tests).</summary>
    internal bool IsIdle => Volatile.Read(ref _idleValid) == 1;

    /// <summary>Whether the latest expansion of <c>path</c> still lists this file (set by the refresh loop).</summary>
    public void SetMatched(bool matched)
    {
        if (matched)
        {
            Interlocked.Exchange(ref _unmatchedSinceTicks, -1);
        }
        else
        {
            Interlocked.CompareExchange(ref _unmatchedSinceTicks, _rt.Time.GetUtcNow().UtcTicks, -1);
            Wake();
        }
    }

    /// <summary>follow_inodes: the same file now has another name.</summary>
    public void Rename(string newPath)
    {
        _path = newPath;
        Wake();
    }

    private async Task RunAsync()
    {
        var stop = _rt.Stopping;
        var finished = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Volatile.Write(ref _idleValid, 0);
                    finished = await StepAsync(stop).ConfigureAwait(false);
                    if (finished)
                    {
                        break;
                    }

                    UpdateLag();

                    _failures = 0;
                    PublishIdle();
                    await _signal.WaitAsync(NextWait(), _rt.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // The loop's one catch-all. Nothing read since the last accepted batch is kept, so the lines are
                    // read again after the back-off: none skipped, none repeated.
                    RewindAll();
                    var delay = Backoff(++_failures);
                    if (_rt.Warnings.ShouldLog("loop:" + _path, out var suppressed))
                    {
                        TailLog.LoopFailed(_rt.Logger, _path, delay, suppressed, ex);
                    }

                    try
                    {
                        await Task.Delay(delay, _rt.Time, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }

            CloseAll();
            if (finished)
            {
                _rt.WatchEnded(this);
            }
        }
    }

    /// <summary>Bytes behind the end of the file, as of the last pass (read by the input's metrics from any thread).</summary>
    public long Lag => Interlocked.Read(ref _lag);

    /// <summary>
    /// The lag after a pass: the current file's size now minus what was read, plus what rotated files still hold.
    /// One fstat per pass (passes follow changes, not lines).
    /// </summary>
    private void UpdateLag()
    {
        long lag = 0;
        foreach (var reader in _draining.Select(d => d.Reader).Append(_current).OfType<TailFileReader>())
        {
            if (FileStatReader.TryStat(reader.Handle, reader.Path, out var stat) == FileStatError.None)
            {
                lag += Math.Max(0, stat.Size - reader.ReadOffset);
            }
        }

        if (Interlocked.Exchange(ref _lag, lag) != lag)
        {
            _rt.LagChanged(this);
        }
    }

    /// <summary>One pass: rotated files, then the current file, then the path's state. True when the watch is done.</summary>
    private async Task<bool> StepAsync(CancellationToken stop)
    {
        ApplyRename();
        var now = _rt.Time.GetUtcNow();
        if (_throttledUntil is { } until && now < until)
        {
            return false;
        }

        _throttledUntil = null;
        for (var i = 0; i < _draining.Count;)
        {
            var (reader, deadline) = _draining[i];
            if (!await PumpAsync(reader, stop).ConfigureAwait(false))
            {
                return false;
            }

            if (now >= deadline)
            {
                // The rotated file gets no more lines: what it still holds is complete as it is.
                await ReleaseHeldAsync(reader, stop).ConfigureAwait(false);
                reader.Dispose();
                _draining.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        if (_current is not null && _current.PendingBytes == 0 && !_current.BoundaryIntact())
        {
            // Truncated and rewritten beyond the old offset since the last look: start over instead of reading
            // from the middle of someone else's line.
            Truncated(_current, _current.LineStartOffset);
        }

        if (_current is not null && !await PumpAsync(_current, stop).ConfigureAwait(false))
        {
            return false;
        }

        if (_current?.Held is { GroupLength: > 0 } held && _rt.Options.MultilineFlushInterval is { } flushAfter
            && now - held.LastLineAt >= flushAfter)
        {
            await ReleaseHeldAsync(_current, stop).ConfigureAwait(false);
        }

        if (_rt.Options.FollowInodes)
        {
            CheckByInode();
        }
        else
        {
            CheckPath();
        }

        var unmatchedSince = Interlocked.Read(ref _unmatchedSinceTicks);
        if (unmatchedSince >= 0 && now.UtcTicks - unmatchedSince >= _rt.Options.RotateWait.Ticks)
        {
            // No longer listed for rotate_wait: everything readable was read above.
            foreach (var reader in _draining.Select(d => d.Reader).Append(_current).OfType<TailFileReader>())
            {
                await ReleaseHeldAsync(reader, stop).ConfigureAwait(false);
            }

            return true;
        }

        return !_rt.Options.FollowInodes && _current is null && _draining.Count == 0 && _missing;
    }

    /// <summary>Reads a file to its end (or until throttled) and emits its lines. False when throttled.</summary>
    private async Task<bool> PumpAsync(TailFileReader reader, CancellationToken stop)
    {
        var limit = _rt.Options.ReadBytesLimitPerSecond;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var allowance = long.MaxValue;
            if (limit is { } perSecond)
            {
                var now = _rt.Time.GetUtcNow();
                if (now - _windowStart >= OneSecond)
                {
                    _windowStart = now;
                    _windowBytes = 0;
                }

                allowance = perSecond - _windowBytes;
                if (allowance <= 0)
                {
                    _throttledUntil = _windowStart + OneSecond;
                    return false;
                }
            }

            _readTime = EventTime.Now(_rt.Time);
            _active = reader;
            var outcome = reader.Read(this, _rt.Options.ReadLinesLimit, allowance, out var lines, out var bytes);
            _windowBytes += bytes;
            _rt.Metrics.RecordsIn.Add(lines);
            _rt.Metrics.BytesIn.Add(bytes);
            await FlushAsync(reader, stop, caughtUp: outcome == ReadOutcome.EndOfFile).ConfigureAwait(false);
            if (outcome == ReadOutcome.EndOfFile)
            {
                return true;
            }
        }
    }

    // caughtUp: the batch ends where the file ended when it was read (its position is written sooner, PositionStore).
    private async Task FlushAsync(TailFileReader reader, CancellationToken stop, bool caughtUp = false)
    {
        if (_batch.Count > 0)
        {
            // The acknowledgement reaches every output the batch goes to (an AsyncLocal); a memory buffer holds it
            // until the chunk is written, so the position covering these lines waits for delivery.
            var ack = new DeliveryAcknowledgement { Source = SourceOf(reader) };
            try
            {
                using (DeliveryScope.Enter(ack))
                {
                    await _rt.Router.EmitAsync(_tag, _batch, _rt.Aborting).ConfigureAwait(false);
                }

                ack.Seal();
                _commits.Emitted(ack);
            }
            catch (Exception ex) when (!_rt.Aborting.IsCancellationRequested)
            {
                // Not accepted: forget the batch and read its lines again after a pause.
                var count = _batch.Count;
                _batch.Clear();
                reader.Reset(reader.AcceptedOffset);
                var delay = Backoff(++_failures);
                TailLog.EmitFailed(_rt.Logger, _path, count, delay, ex);
                await Task.Delay(delay, _rt.Time, stop).ConfigureAwait(false);
                return;
            }
            finally
            {
                if (_rt.Aborting.IsCancellationRequested)
                {
                    _batch.Clear();
                }
            }

            _batch.Clear();
        }

        var committable = reader.CommittableOffset;
        if (committable != reader.AcceptedOffset)
        {
            reader.AcceptedOffset = committable;
            Checkpoint(reader, caughtUp);
        }
        else if (caughtUp && !_lastCheckpointCaughtUp)
        {
            // The last batch stopped at read_lines_limit exactly at the end: say once that this position is the end,
            // so the pos_file gets it within CaughtUpInterval rather than the save interval.
            Checkpoint(reader, caughtUp: true);
        }
    }

    /// <summary>Parses and emits what a reader holds (a multi-line group, partial lines), as complete events.</summary>
    private async Task ReleaseHeldAsync(TailFileReader reader, CancellationToken stop)
    {
        if (reader.Held is not { } held || held.HeldFrom is null)
        {
            return;
        }

        _readTime = EventTime.Now(_rt.Time);
        if (held.GroupLength > 0)
        {
            ParseOne(held.Group);
        }

        if (held.Cri is { } cri)
        {
            foreach (var line in cri.Flush())
            {
                ParseOne(line);
            }
        }

        held.ClearGroup();
        held.HeldFrom = null;
        await FlushAsync(reader, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// The batch's origin for a file buffer to store with it (null without a pos_file): its lines lie at or after the
    /// accepted offset, so a batch starting at or after the saved position is read again after a crash. The batch id is
    /// an identity, not behaviour, so it takes no injected randomness.
    /// </summary>
    private DeliverySource? SourceOf(TailFileReader reader) =>
        _rt.Positions.FilePath is { } posFile
            ? new DeliverySource(posFile, Entry.Path, reader.Inode, reader.AcceptedOffset, reader.CommittableOffset, Random.Shared.NextInt64())
            : null;

    /// <summary>Commits now the checkpoints whose batches are acknowledged (see <see cref="DeliveryCommitQueue.Drain"/>).</summary>
    internal void CommitDelivered() => _commits.Drain();

    private void Checkpoint(TailFileReader reader, bool caughtUp = false)
    {
        _lastCheckpointCaughtUp = caughtUp;
        _commits.Checkpoint(new PositionCheckpoint(_rt.Positions, Entry, reader.Inode, reader.AcceptedOffset, reader.Generation, ++_sequence) { CaughtUp = caughtUp });
    }

    /// <summary>Path mode: a new inode at the path is a rotation; a smaller size a truncation; no file a removal.</summary>
    private void CheckPath()
    {
        var error = FileStatReader.TryStat(_path, out var stat);
        if (error == FileStatError.NotFound || (error == FileStatError.None && stat.IsDirectory))
        {
            if (error == FileStatError.None)
            {
                WarnDirectory();
            }

            if (_current is not null)
            {
                TailLog.Vanished(_rt.Logger, _path, _rt.Options.RotateWait);
                Retire(_current);
                _current = null;
            }

            _missing = true;
            return;
        }

        _missing = false;
        if (error == FileStatError.PermissionDenied)
        {
            WarnPermission();
            return;
        }

        if (error != FileStatError.None)
        {
            throw new IOException($"cannot stat {_path} ({error})");
        }

        if (_current is null)
        {
            TryOpen();
            if (_current is not null)
            {
                Wake();
            }

            return;
        }

        _lastMtimeTicks = stat.ModifiedUtc.UtcTicks;
        if (stat.Inode != _current.Inode)
        {
            TailLog.Rotated(_rt.Logger, _path, _rt.Options.RotateWait);
            Retire(_current);
            _current = null;
            TryOpen();
            Wake();
            return;
        }

        if (stat.Size < _current.ReadOffset)
        {
            Truncated(_current, stat.Size);
        }
    }

    /// <summary>follow_inodes: the file is the inode; a changed path only means the names must be looked at again.</summary>
    private void CheckByInode()
    {
        if (_current is null)
        {
            TryOpen();
            if (_current is not null && _expectedInode is { } expected && _current.Inode != expected)
            {
                // Another file took the name before it was opened: it gets its own watch from the rescan.
                _current.Dispose();
                _current = null;
                _rt.RequestRescan();
            }
            else if (_current is not null)
            {
                Wake();
            }

            return;
        }

        if (FileStatReader.TryStat(_current.Handle, _path, out var own) == FileStatError.None)
        {
            _lastMtimeTicks = own.ModifiedUtc.UtcTicks;
            if (own.Size < _current.ReadOffset)
            {
                Truncated(_current, own.Size);
            }
        }

        var error = FileStatReader.TryStat(_path, out var stat);
        if (error == FileStatError.NotFound || (error == FileStatError.None && stat.Inode != _current.Inode))
        {
            _rt.RequestRescan();
        }
    }

    private void Truncated(TailFileReader reader, long size)
    {
        TailLog.Truncated(_rt.Logger, _path, size, reader.ReadOffset);
        reader.Reset(0);
        Checkpoint(reader); // offset 0 covers no line, so it may be saved at once
        Wake();
    }

    private void TryOpen()
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            _missing = !_rt.Options.FollowInodes;
            return;
        }
        catch (UnauthorizedAccessException)
        {
            if (Directory.Exists(_path))
            {
                WarnDirectory();
                _missing = true;
            }
            else
            {
                WarnPermission();
            }

            return;
        }

        var error = FileStatReader.TryStat(handle, _path, out var stat);
        if (error != FileStatError.None || stat.IsDirectory)
        {
            handle.Dispose();
            if (stat.IsDirectory)
            {
                WarnDirectory();
                _missing = true;
                return;
            }

            throw new IOException($"cannot stat the opened file {_path} ({error})");
        }

        var initial = !_opened;
        var offset = StartOffset(stat, initial);
        _current = new TailFileReader(handle, _path, stat.Inode, offset, _rt.Positions.NextGeneration(), _rt.Options.MaxLineSize)
        {
            Held = NewHeldLines(),
        };
        _opened = true;
        _rt.Warnings.Forget("perm:" + _path);
        TailLog.Following(_rt.Logger, _path, stat.Inode, offset);
        if (initial && offset > 0)
        {
            Checkpoint(_current); // a start position covers no line that was not meant to be skipped
        }
    }

    private HeldLines? NewHeldLines() => _rt.Parser switch
    {
        CriParser => new HeldLines(new CriPartialAssembler(_rt.Options.MaxLineSize is > 0 and < int.MaxValue ? (int)_rt.Options.MaxLineSize : 16 * 1024 * 1024)),
        IMultilineParser { HasFirstLine: true } => new HeldLines(null),
        _ => null,
    };

    /// <summary>Where reading starts: the saved offset for this inode, else the end (a file found at start), else 0.</summary>
    private long StartOffset(FileStat stat, bool initial)
    {
        var (inode, offset, known) = _rt.Positions.Read(Entry);
        if (known && inode == stat.Inode)
        {
            if (offset > stat.Size)
            {
                TailLog.Truncated(_rt.Logger, _path, stat.Size, offset);
                return 0;
            }

            TailLog.Resuming(_rt.Logger, _path, offset, inode);
            return offset;
        }

        // A different inode under a known path was rotated while Tailship was not running: read it from the head.
        return initial && _startAtEnd && !known ? stat.Size : 0;
    }

    private void Retire(TailFileReader reader) => _draining.Add((reader, _rt.Time.GetUtcNow() + _rt.Options.RotateWait));

    private void ApplyRename()
    {
        var path = _path;
        if (!ReferenceEquals(path, _appliedPath))
        {
            _appliedPath = path;
            _tag = _rt.Tag.For(path);
            _pathValue = RecordValue.From(path);
        }
    }

    private TimeSpan? NextWait()
    {
        var now = _rt.Time.GetUtcNow();
        TimeSpan? wait = null;
        void Consider(DateTimeOffset at)
        {
            var d = at - now;
            d = d < TimeSpan.Zero ? TimeSpan.Zero : d;
            wait = wait is { } w && w < d ? w : d;
        }

        foreach (var (_, deadline) in _draining)
        {
            Consider(deadline);
        }

        if (_throttledUntil is { } until)
        {
            Consider(until);
        }

        if (_current?.Held is { GroupLength: > 0 } held && _rt.Options.MultilineFlushInterval is { } flushAfter)
        {
            Consider(held.LastLineAt + flushAfter);
        }

        var since = Interlocked.Read(ref _unmatchedSinceTicks);
        if (since >= 0)
        {
            Consider(new DateTimeOffset(since, TimeSpan.Zero) + _rt.Options.RotateWait);
        }

        if (!_rt.Options.EnableWatchTimer && _current is null)
        {
            Consider(now + OneSecond); // a file that could not be opened is retried even without the timer
        }

        return wait;
    }

    /// <summary>
    /// Lets the stat sweep skip this file while it stays as the loop left it. Not settled (the sweep wakes the loop at
    /// every tick, as the plain timer did): no open file (missing, unreadable, not yet opened), a rotated file still
    /// being drained (its writes are invisible at the path), a throttled read, or a pass that ended without a look at
    /// the path.
    /// </summary>
    private void PublishIdle()
    {
        if (_current is not { } current || _draining.Count > 0 || _throttledUntil is not null || _lastMtimeTicks == 0)
        {
            return;
        }

        _idleInode = (long)current.Inode;
        _idleSize = current.ReadOffset;
        _idleMtimeTicks = _lastMtimeTicks;
        Volatile.Write(ref _idleValid, 1);
    }

    /// <summary>The stat sweep's look at this file (sweep thread): wakes the loop unless the file is as it left it.</summary>
    public void Sweep()
    {
        if (Volatile.Read(ref _idleValid) == 0)
        {
            Wake();
            return;
        }

        var inode = Volatile.Read(ref _idleInode);
        var size = Volatile.Read(ref _idleSize);
        var mtime = Volatile.Read(ref _idleMtimeTicks);
        var path = _path;
        if (!ReferenceEquals(path, _sweepPath))
        {
            _sweepNativePath = FileStatReader.ToNativePath(path);
            _sweepPath = path;
        }

        // A pass that started meanwhile may have changed the values read above: then it is running anyway, and the
        // comparison below can only cause a spurious wake, never a lost one (the pass publishes what it saw).
        if (FileStatReader.TryStat(path, _sweepNativePath, out var stat) != FileStatError.None || stat.IsDirectory
            || (long)stat.Inode != inode || stat.Size != size || stat.ModifiedUtc.UtcTicks != mtime
            || Volatile.Read(ref _idleValid) == 0)
        {
            Wake();
        }
    }

    private void RewindAll()
    {
        _batch.Clear();
        foreach (var (reader, _) in _draining)
        {
            reader.Reset(reader.AcceptedOffset);
        }

        _current?.Reset(_current.AcceptedOffset);
    }

    private void CloseAll()
    {
        foreach (var (reader, _) in _draining)
        {
            reader.Dispose();
        }

        _draining.Clear();
        _current?.Dispose();
        _current = null;
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));

    private void WarnPermission()
    {
        var key = "perm:" + _path;
        long suppressed = 0;
        if (_rt.Options.IgnoreRepeatedPermissionError ? _rt.Warnings.First(key) : _rt.Warnings.ShouldLog(key, out suppressed))
        {
            TailLog.PermissionDenied(_rt.Logger, _path, suppressed);
        }
    }

    private void WarnDirectory()
    {
        if (_rt.Warnings.ShouldLog("dir:" + _path, out var suppressed))
        {
            TailLog.IsDirectory(_rt.Logger, _path, suppressed);
        }
    }

    // ILineSink: called by the reader for each complete line, on this loop.
    public void OnLine(ReadOnlySpan<byte> line)
    {
        var text = _rt.Options.FromEncoding is { } from ? Convert(from, line) : line;
        var held = _active?.Held;
        if (held is null)
        {
            ParseOne(text);
            return;
        }

        var lineStart = _active!.LastLineStart;
        if (held.Cri is { } cri)
        {
            var wasHolding = cri.BufferedBytes > 0;
            if (!cri.Add(text, out var complete))
            {
                held.HeldFrom ??= lineStart;
                return;
            }

            if (cri.BufferedBytes == 0)
            {
                held.HeldFrom = null;
            }
            else if (!wasHolding)
            {
                held.HeldFrom ??= lineStart;
            }

            ParseOne(complete);
            return;
        }

        var multiline = (IMultilineParser)_rt.Parser;
        if (multiline.IsFirstLine(text))
        {
            if (held.GroupLength > 0)
            {
                ParseOne(held.Group);
            }

            held.StartGroup(text, lineStart, _rt.Time.GetUtcNow());
        }
        else if (held.GroupLength > 0)
        {
            held.AddToGroup(text, _rt.Time.GetUtcNow());
        }
        else if (_rt.Warnings.ShouldLog("firstline:" + _path, out var suppressed))
        {
            TailLog.BeforeFirstLine(_rt.Logger, _path, Inspect(text), suppressed);
        }
    }

    private void ParseOne(ReadOnlySpan<byte> text)
    {
        bool matched;
        try
        {
            matched = _rt.Parser.Parse(text, _readTime, _emit);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A parser bug must not stop the file: the line is dropped and said so.
            if (_rt.Warnings.ShouldLog("parser:" + _path, out var s))
            {
                TailLog.ParserFailed(_rt.Logger, _path, ex.Message, s);
            }

            return;
        }

        if (matched)
        {
            return;
        }

        if (_rt.Options.EmitUnmatchedLines)
        {
            var record = new Record(2);
            record.Append("unmatched_line", Utf8Slab.Copy(text));
            Add(_readTime, record);
        }
        else if (_rt.Warnings.ShouldLog("unmatched:" + _path, out var suppressed))
        {
            TailLog.PatternNotMatched(_rt.Logger, _path, Inspect(text), suppressed);
        }
    }

    public void OnLineTooLong(long length)
    {
        if (_rt.Warnings.ShouldLog("long:" + _path, out var suppressed))
        {
            TailLog.LineTooLong(_rt.Logger, _path, _rt.Options.MaxLineSize, length, suppressed);
        }
    }

    private void Add(EventTime time, Record record)
    {
        if (_rt.Options.PathKey is { } key)
        {
            record.Set(key, _pathValue);
        }

        _batch.Add(time, record);
    }

    private ReadOnlySpan<byte> Convert(Encoding from, ReadOnlySpan<byte> line)
    {
        var chars = from.GetString(line);
        var needed = Encoding.UTF8.GetByteCount(chars);
        if (_converted.Length < needed)
        {
            _converted = new byte[Math.Max(needed, 256)];
        }

        var n = Encoding.UTF8.GetBytes(chars, _converted);
        return _converted.AsSpan(0, n);
    }

    private static string Inspect(ReadOnlySpan<byte> text)
    {
        var s = Encoding.UTF8.GetString(text.Length > 200 ? text[..200] : text);
        return "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + (text.Length > 200 ? "...\"" : "\"");
    }
}
