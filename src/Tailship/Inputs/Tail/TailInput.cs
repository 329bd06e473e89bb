using System.Globalization;
using Microsoft.Extensions.Logging;
using Tailship.Plugins;

namespace Tailship.Inputs.Tail;

/// <summary>
/// <c>@type tail</c>: follows every file <c>path</c> names, one <see cref="TailWatch"/> loop per file, and expands
/// <c>path</c> again every <c>refresh_interval</c> (and at once when a watched directory gains an entry).
/// Positions move only after the router accepted the lines, and reach the pos_file through the
/// <see cref="IPositionCommitPolicy"/>.
/// </summary>
internal sealed partial class TailInput : IInput, IAsyncDisposable
{
    private static readonly TimeSpan MinRescanGap = TimeSpan.FromMilliseconds(200);

    private readonly TailOptions _options;
    private readonly PluginContext _context;
    private readonly IPositionCommitPolicy _commitPolicy;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TailWatch> _watches = new(StringComparer.Ordinal); // guarded by _lock
    private readonly Dictionary<string, IDisposable> _directorySubscriptions = new(StringComparer.Ordinal); // refresh loop only
    private readonly AsyncSignal _rescan = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly List<IFileChangeNotifier> _notifiers = [];
    private StatSweep? _sweep;
    private readonly WarningLimiter _warnings;
    private PositionStore? _positions;
    private TailRuntime? _runtime;
    private TailPathExpander? _expander;
    private Task _refreshLoop = Task.CompletedTask;
    private bool _startup = true;
    private int _stopped;

    public TailInput(TailOptions options, PluginContext context, IPositionCommitPolicy commitPolicy)
    {
        _options = options;
        _context = context;
        _commitPolicy = commitPolicy;
        _logger = context.CreateLogger("Tailship.Inputs.Tail");
        _warnings = new WarningLimiter(context.Time, TimeSpan.FromSeconds(60));
        if (options.PosFile is { } posFile)
        {
            // Asked by a recovering file buffer before this input starts: would it read this path again?
            // Also how a file buffer has the positions written before it deletes a delivered chunk (the store writes
            // forward moves at a bounded rate, see PositionStore).
            context.Sources?.Add(
                posFile,
                path => new TailPathExpander(_options, _context.Time, _logger, _warnings).Expand().Exists(f => f.Path == path),
                SavePositionsNow);
        }
    }

    // Asked by a file buffer before it deletes a delivered chunk, after it fsynced the chunk's batches: commits every
    // checkpoint whose batches are now acknowledged (their continuations may not have run yet), then writes them.
    private void SavePositionsNow()
    {
        if (Volatile.Read(ref _positions) is not { } positions)
        {
            return;
        }

        TailWatch[] watches;
        lock (_lock)
        {
            watches = [.. _watches.Values];
        }

        foreach (var watch in watches)
        {
            watch.CommitDelivered();
        }

        positions.TrySave();
    }

    /// <summary>The positions (for tests and the monitor); null before start.</summary>
    internal PositionStore? Positions => _positions;

    /// <summary>The stat sweep (<c>enable_watch_timer</c>), null before start or when disabled (for tests).</summary>
    internal StatSweep? Sweep => _sweep;

    /// <summary>The watch of a path, or null (for tests).</summary>
    internal TailWatch? WatchOf(string path)
    {
        lock (_lock)
        {
            return _watches.Values.FirstOrDefault(w => w.Path == path);
        }
    }

    internal IReadOnlyList<string> WatchedPaths
    {
        get
        {
            lock (_lock)
            {
                return _watches.Values.Select(w => w.Path).ToList();
            }
        }
    }

    public Task StartAsync(IEventRouter router, CancellationToken cancellationToken)
    {
        var parser = _context.CreateNested<IParser>(_options.Parse);
        _positions = new PositionStore(_options.PosFile, _context.Time, _logger, _options.PosFileCompactionInterval);
        _positions.Open();
        if (_options.EnableWatchTimer)
        {
            _sweep = new StatSweep(_context.Time, TimeSpan.FromSeconds(1));
        }

        if (_options.EnableStatWatcher)
        {
            _notifiers.Add(new InotifyNotifier(_logger, _warnings));
        }

        _runtime = new TailRuntime
        {
            Options = _options,
            Router = router,
            Parser = parser,
            Positions = _positions,
            CommitPolicy = _commitPolicy,
            Logger = _logger,
            Time = _context.Time,
            Warnings = _warnings,
            Tag = new TailTag(_options.Tag),
            Notifiers = _notifiers,
            Sweep = _sweep,
            RequestRescan = _rescan.Set,
            WatchEnded = OnWatchEnded,
            Metrics = _context.Metrics,
            LagChanged = OnLagChanged,
            Stopping = _stopping.Token,
            Aborting = _aborting.Token,
        };
        _expander = new TailPathExpander(_options, _context.Time, _logger, _warnings);
        if (!_options.SkipRefreshOnStartup)
        {
            Refresh();
        }

        _refreshLoop = Task.Run(RefreshLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (cancellationToken.Register(() => _aborting.Cancel()))
        {
            Task[] loops;
            lock (_lock)
            {
                loops = [.. _watches.Values.Select(w => w.Completion)];
            }

            await _refreshLoop.ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);
        }

        foreach (var subscription in _directorySubscriptions.Values)
        {
            subscription.Dispose();
        }

        foreach (var notifier in _notifiers)
        {
            notifier.Dispose();
        }

        _sweep?.Dispose();

        // Save what is committed now, but keep the store open: batches held by a memory buffer are acknowledged
        // when the outputs flush at shutdown, which happens after the inputs stopped; DisposeAsync (after the
        // outputs stopped) writes those last commits.
        _positions?.TrySave();
        _stopping.Dispose();
        _aborting.Dispose();
    }

    /// <summary>Stops at once: an emit in flight is abandoned and its lines stay unread (they are read again next time).</summary>
    public async ValueTask DisposeAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        await StopAsync(now.Token).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _positions, null) is { } positions)
        {
            await positions.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RefreshLoopAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _rescan.WaitAsync(_options.RefreshInterval, _context.Time, stop).ConfigureAwait(false);
                Refresh();
                await Task.Delay(MinRescanGap, _context.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The refresh loop's catch-all: the files already watched go on; the next refresh tries again.
                if (_warnings.ShouldLog("refresh", out var suppressed))
                {
                    TailLog.ExpandFailed(_logger, string.Join(",", _options.Paths), suppressed, ex);
                }
            }
        }
    }

    /// <summary>Expands <c>path</c> and starts or lets go of watches accordingly. Runs on one thread at a time.</summary>
    private void Refresh()
    {
        var runtime = _runtime!;
        var found = _expander!.Expand();
        var startAtEnd = _startup && !_options.ReadFromHead;
        _startup = false;
        var matchedKeys = new HashSet<string>(StringComparer.Ordinal);
        var toStart = new List<TailWatch>();
        lock (_lock)
        {
            foreach (var file in found)
            {
                var key = KeyOf(file);
                matchedKeys.Add(key);
                if (_watches.TryGetValue(key, out var existing))
                {
                    if (_options.FollowInodes && existing.Path != file.Path)
                    {
                        runtime.Positions.Rename(existing.Entry, file.Path);
                        existing.Rename(file.Path);
                    }

                    existing.SetMatched(true);
                }
            }

            foreach (var file in found)
            {
                var key = KeyOf(file);
                if (_watches.ContainsKey(key))
                {
                    continue;
                }

                var entry = _options.FollowInodes && file.Stat.Inode != 0
                    ? runtime.Positions.FindByInode(file.Stat.Inode) ?? runtime.Positions.GetOrAdd(file.Path, file.Stat.Inode)
                    : runtime.Positions.GetOrAdd(file.Path, file.Stat.Inode);
                if (entry.Path != file.Path)
                {
                    runtime.Positions.Rename(entry, file.Path);
                }

                var watch = new TailWatch(runtime, file.Path, entry, startAtEnd, _options.FollowInodes ? file.Stat.Inode : null);
                _watches[key] = watch;
                toStart.Add(watch);
            }

            foreach (var (key, watch) in _watches)
            {
                if (!matchedKeys.Contains(key))
                {
                    watch.SetMatched(false);
                }
            }
        }

        foreach (var watch in toStart)
        {
            watch.Start();
        }

        SubscribeDirectories();
    }

    private string KeyOf(FoundFile file) =>
        _options.FollowInodes && file.Stat.Inode != 0 ? file.Stat.Inode.ToString(CultureInfo.InvariantCulture) : file.Path;

    private void SubscribeDirectories()
    {
        var notifier = _notifiers.OfType<InotifyNotifier>().FirstOrDefault();
        if (notifier is null)
        {
            return;
        }

        foreach (var dir in _expander!.WatchedDirectories().Distinct())
        {
            if (!_directorySubscriptions.ContainsKey(dir) && Directory.Exists(dir))
            {
                _directorySubscriptions[dir] = notifier.WatchDirectory(dir, _rescan.Set);
            }
        }
    }

    private void OnLagChanged(TailWatch watch)
    {
        _context.Metrics.SetFileLag(watch.Path, watch.Lag);
        PublishLag();
    }

    /// <summary><c>tailship_tail_lag_bytes</c>: the sum over the files watched now (a file not yet looked at counts 0).</summary>
    private void PublishLag()
    {
        long total = 0;
        lock (_lock)
        {
            foreach (var watch in _watches.Values)
            {
                total += Math.Max(0, watch.Lag);
            }
        }

        _context.Metrics.SetLag(total);
    }

    private void OnWatchEnded(TailWatch watch)
    {
        _runtime!.Positions.MarkUnwatched(watch.Entry);
        lock (_lock)
        {
            foreach (var (key, w) in _watches)
            {
                if (w == watch)
                {
                    _watches.Remove(key);
                    break;
                }
            }
        }

        _context.Metrics.RemoveFile(watch.Path);
        PublishLag();
        TailLog.Unwatched(_logger, watch.Path);
        _rescan.Set(); // a file recreated at this path is picked up now, from its head
    }
}
