using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tailship.Inputs.Tail;

/// <summary>
/// The positions of every watched file, kept in memory and, with <c>pos_file</c>, on disk.
/// </summary>
/// <remarks>
/// <para>On-disk format (Fluentd's, so either agent can resume the other's file): one line per file,
/// <c>PATH \t OFFSET \t INODE \n</c>, OFFSET and INODE as 16 lower-case hex digits. OFFSET
/// <c>ffffffffffffffff</c> marks a file no longer watched; such lines are dropped when the file is loaded and at
/// each compaction (<c>pos_file_compaction_interval</c>). When a path appears twice, the last line wins.</para>
/// <para>Crash safety: Fluentd rewrites its lines in place, which a crash can leave half-written. Tailship writes
/// the whole file to <c>PATH.tmp</c>, fsyncs it, renames it over <c>PATH</c> and fsyncs the directory, so after a
/// crash the file holds either the old or the new set of positions, never a mix.</para>
/// <para>Write rate: at most one write per <see cref="DefaultSaveInterval"/> (the first commit after a quiet spell is
/// written at once). A tail running hot commits a position per read batch, hundreds a second, and each atomic write
/// costs a file creation, two fsyncs and a rename; bounding the rate takes that cost out of the hot path. What it
/// costs: after <c>kill -9</c> the saved positions may be up to that interval behind the committed ones, so those
/// lines are read again. Into a file buffer that is harmless (the buffer drops the batches its source will read
/// again, <c>SourceRollback</c>, and the buffer saves the positions before it deletes a delivered chunk,
/// <see cref="Buffers.SourceRegistry.SavePositions"/>); into a memory buffer they are sent again (at least once).
/// Changes that are not a forward move are written at once: a file's new inode (rotation), a file unwatched or
/// removed, a renamed entry (<c>follow_inodes</c>); stop writes whatever is left. A move that brings a reader to the
/// end of its file (it has caught up) waits only for <see cref="CaughtUpInterval"/> since the last write: a source
/// that is not behind has its position on disk within 0.1 s, and a log appended to in many small writes still costs
/// at most ten writes a second.</para>
/// </remarks>
internal sealed class PositionStore : IAsyncDisposable
{
    public const ulong UnwatchedOffset = ulong.MaxValue;

    /// <summary>The least time between two writes of forward moves (see the remarks for why 1 s).</summary>
    public static readonly TimeSpan DefaultSaveInterval = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two writes when a reader has caught up with its file (see the remarks).</summary>
    public static readonly TimeSpan CaughtUpInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    private readonly Lock _writeLock = new(); // one writer of PATH.tmp at a time
    private readonly List<PositionEntry> _entries = []; // guarded by _lock; pos_file order
    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _compactionInterval;
    private readonly SemaphoreSlim _dirtySignal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _saveInterval;
    private DateTimeOffset _lastCompaction;
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue; // guarded by _writeLock
    private long _generation;
    private int _dirty; // 1 when entries changed since the last write started
    private int _urgent; // 1 when a change waiting to be written must not wait for the interval
    private int _caughtUp; // 1 when a change waiting to be written brought a reader to the end of its file
    private TaskCompletionSource _wake = NewSignal(); // completed when _urgent or _caughtUp is set; replaced by the saver
    private Task? _saver;

    public PositionStore(string? path, TimeProvider time, ILogger logger, TimeSpan? compactionInterval, TimeSpan? saveInterval = null)
    {
        _saveInterval = saveInterval ?? DefaultSaveInterval;
        _path = path;
        FilePath = path is null ? null : System.IO.Path.GetFullPath(path);
        _time = time;
        _logger = logger;
        _compactionInterval = compactionInterval;
        _lastCompaction = time.GetUtcNow();
    }

    /// <summary>Raised after each successful write of the pos_file (tests and metrics observe it).</summary>
    public event Action? Saved;

    public bool IsPersistent => _path is not null;

    /// <summary>The pos_file's full path, or null when positions live in memory only.</summary>
    public string? FilePath { get; }

    /// <summary>Reads the pos_file if there is one (a missing file is an empty one) and starts the writer.</summary>
    public void Open()
    {
        if (_path is not null && File.Exists(_path))
        {
            Load(File.ReadAllBytes(_path));
        }

        if (_path is not null)
        {
            _saver = Task.Run(() => RunSaverAsync(_stop.Token));
        }
    }

    internal void Load(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            if (raw.Length == 0)
            {
                continue;
            }

            if (!TryParseLine(raw, out var path, out var offset, out var inode))
            {
                TailLog.PosFileLineInvalid(_logger, _path ?? "(memory)", lineNumber);
                continue;
            }

            lock (_lock)
            {
                _entries.RemoveAll(e => e.Path == path);
                if (offset != UnwatchedOffset)
                {
                    _entries.Add(new PositionEntry(path, inode, (long)offset));
                }
            }
        }
    }

    internal static bool TryParseLine(string line, out string path, out ulong offset, out ulong inode)
    {
        path = string.Empty;
        offset = 0;
        inode = 0;
        var parts = line.Split('\t');
        if (parts.Length != 3 || parts[0].Length == 0)
        {
            return false;
        }

        path = parts[0];
        return ulong.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset)
            && ulong.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out inode);
    }

    /// <summary>A number for a new reader, larger than any before (see <see cref="PositionEntry.Generation"/>).</summary>
    public long NextGeneration() => Interlocked.Increment(ref _generation);

    public PositionEntry? Find(string path)
    {
        lock (_lock)
        {
            return _entries.Find(e => e.Path == path);
        }
    }

    public PositionEntry? FindByInode(ulong inode)
    {
        lock (_lock)
        {
            return _entries.FindLast(e => e.Inode == inode && !e.Unwatched);
        }
    }

    /// <summary>The entry of <paramref name="path"/>, created (not yet committed, so not yet written) when absent.</summary>
    public PositionEntry GetOrAdd(string path, ulong inode)
    {
        lock (_lock)
        {
            var entry = _entries.Find(e => e.Path == path);
            if (entry is null)
            {
                entry = new PositionEntry(path, inode, 0) { Fresh = true };
                _entries.Add(entry);
            }

            return entry;
        }
    }

    /// <summary>Moves an entry to another path (follow_inodes: the same file under a new name).</summary>
    public void Rename(PositionEntry entry, string newPath)
    {
        lock (_lock)
        {
            _entries.RemoveAll(e => e != entry && e.Path == newPath);
            entry.Path = newPath;
        }

        MarkDirty(urgent: true);
    }

    internal void Commit(PositionEntry entry, PositionCheckpoint checkpoint)
    {
        bool urgent;
        bool changed;
        lock (_lock)
        {
            // A checkpoint of an older reader (a rotated file still drained) never overwrites a newer file's
            // position; within one reader, positions only move forward.
            if (checkpoint.Generation < entry.Generation
                || (checkpoint.Generation == entry.Generation && checkpoint.Sequence <= entry.Sequence))
            {
                return;
            }

            // Another file at this path (rotation), an offset that went back (truncation) or an entry coming back:
            // written at once, so a crash cannot leave the pos_file naming the old file for long.
            urgent = entry.Inode != checkpoint.Inode || checkpoint.Offset < entry.Offset || entry.Unwatched || entry.Fresh;
            changed = urgent || entry.Offset != checkpoint.Offset;
            entry.Generation = checkpoint.Generation;
            entry.Sequence = checkpoint.Sequence;
            entry.Inode = checkpoint.Inode;
            entry.Offset = checkpoint.Offset;
            entry.Unwatched = false;
            entry.Fresh = false;
        }

        if (changed)
        {
            MarkDirty(urgent, checkpoint.CaughtUp);
        }
        else if (checkpoint.CaughtUp && Volatile.Read(ref _dirty) == 1)
        {
            // The same position again, now known to be the file's end: what waits to be written may go sooner.
            MarkDirty(urgent: false, caughtUp: true);
        }
    }

    public void MarkUnwatched(PositionEntry entry)
    {
        lock (_lock)
        {
            entry.Unwatched = true;
        }

        MarkDirty(urgent: true);
    }

    /// <summary>The committed position of an entry, read under the lock.</summary>
    public (ulong Inode, long Offset, bool Known) Read(PositionEntry entry)
    {
        lock (_lock)
        {
            return (entry.Inode, entry.Offset, !entry.Unwatched && !entry.Fresh);
        }
    }

    private void MarkDirty(bool urgent, bool caughtUp = false)
    {
        if (_path is null)
        {
            return;
        }

        if (Interlocked.Exchange(ref _dirty, 1) == 0)
        {
            try
            {
                _dirtySignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // A wake-up is already pending; the writer will see the dirty flag.
            }
        }

        // Flags first, then the signal (read after them): a saver that read a flag as 0 waits on this signal or a
        // newer one, and it replaces a signal only once it completed.
        var wake = urgent && Interlocked.Exchange(ref _urgent, 1) == 0;
        wake |= caughtUp && Interlocked.Exchange(ref _caughtUp, 1) == 0;
        if (wake)
        {
            Volatile.Read(ref _wake).TrySetResult();
        }
    }

    // The one writer of routine saves: waits for a change, then for the rest of the save interval (CaughtUpInterval
    // once a reader reached the end of its file; none for an urgent change), then writes everything committed by
    // then in one go.
    private async Task RunSaverAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _dirtySignal.WaitAsync(cancellationToken).ConfigureAwait(false);
                await WaitForTurnAsync(cancellationToken).ConfigureAwait(false);

                // Reset before the write: a change from now on is either in this write or marks the next one.
                Volatile.Write(ref _urgent, 0);
                Volatile.Write(ref _caughtUp, 0);
            }
            catch (OperationCanceledException)
            {
                // Stopping: DisposeAsync writes what is left.
                return;
            }

            TrySave();
        }
    }

    private async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var wake = Volatile.Read(ref _wake);
            DateTimeOffset lastSave;
            lock (_writeLock)
            {
                lastSave = _lastSave;
            }

            if (Volatile.Read(ref _urgent) == 1 || lastSave == DateTimeOffset.MinValue)
            {
                return;
            }

            var interval = Volatile.Read(ref _caughtUp) == 1 ? CaughtUpInterval : _saveInterval;
            var wait = lastSave + interval - _time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            using var delayStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, _time, delayStop.Token);
            await Task.WhenAny(delay, wake.Task).ConfigureAwait(false);
            await delayStop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (wake.Task.IsCompleted)
            {
                // Woken by a flag: look again (with a fresh signal for the next wait).
                Interlocked.CompareExchange(ref _wake, NewSignal(), wake);
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Writes the pos_file now if anything changed, whatever the save interval (stop, and a file buffer about to delete
    /// a delivered chunk). Returns false (after logging) when the write failed.
    /// </summary>
    public bool TrySave()
    {
        // Under the write lock, so a caller that finds nothing dirty knows the last write has finished (the saver
        // and a stop may race).
        lock (_writeLock)
        {
            if (_path is null || Interlocked.Exchange(ref _dirty, 0) == 0)
            {
                return true;
            }

            try
            {
                Write(_path, Render());
                _lastSave = _time.GetUtcNow();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Leave the store dirty so the next commit (or stop) retries the write.
                Interlocked.Exchange(ref _dirty, 1);
                TailLog.PosFileWriteFailed(_logger, _path, ex);
                return false;
            }
        }

        Saved?.Invoke();
        return true;
    }

    internal byte[] Render()
    {
        var sb = new StringBuilder();
        var compact = _compactionInterval is { } interval && _time.GetUtcNow() - _lastCompaction >= interval;
        lock (_lock)
        {
            if (compact)
            {
                _entries.RemoveAll(e => e.Unwatched);
                _lastCompaction = _time.GetUtcNow();
            }

            foreach (var e in _entries)
            {
                if (e.Fresh)
                {
                    // Created for a file whose first position is not committed yet: nothing to say about it.
                    continue;
                }

                var offset = e.Unwatched ? UnwatchedOffset : (ulong)e.Offset;
                sb.Append(e.Path).Append('\t')
                    .Append(offset.ToString("x16", CultureInfo.InvariantCulture)).Append('\t')
                    .Append(e.Inode.ToString("x16", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Write-temp, fsync, rename, fsync the directory: the file is always either the old or the new one.</summary>
    private static void Write(string path, byte[] content)
    {
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (OperatingSystem.IsLinux() && dir is not null)
        {
            IO.DirectoryFsync.Sync(dir);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_saver is not null)
        {
            await _saver.ConfigureAwait(false);
        }

        TrySave();
        _stop.Dispose();
        _dirtySignal.Dispose();
    }
}
