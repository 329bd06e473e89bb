namespace Tailship.Inputs.Tail;

/// <summary>A watched file the <see cref="StatSweep"/> looks at once per tick.</summary>
internal interface IStatSweepTarget
{
    /// <summary>
    /// Stats the file and wakes its reading loop only when something may have changed since the loop last looked.
    /// Runs on the sweep's thread, concurrently with the loop; must not block and must not throw.
    /// </summary>
    void Sweep();
}

/// <summary>
/// <c>enable_watch_timer</c>: once per interval, one pass over every watched file (Fluentd's watch timer, one second)
/// that catches what inotify misses: queue overflow, network file systems, watch limits. Each target stats its path
/// and compares with what its loop saw when it last went idle, so an idle file costs one <c>statx</c> per tick and
/// wakes nothing; only a file that grew, shrank, changed its mtime or its inode, or that is not settled (missing,
/// rotated and still drained, throttled, mid-pass) wakes its loop.
/// </summary>
/// <remarks>
/// One timer for all files, whatever their number; the tick allocates nothing (the target list is copy-on-write and
/// only replaced when a file is added or let go).
/// </remarks>
internal sealed class StatSweep : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private IStatSweepTarget[] _targets = []; // copy-on-write under _lock

    public StatSweep(TimeProvider time, TimeSpan interval)
    {
        _timer = time.CreateTimer(static state => ((StatSweep)state!).Tick(), this, interval, interval);
    }

    public IDisposable Register(IStatSweepTarget target)
    {
        lock (_lock)
        {
            _targets = [.. _targets, target];
        }

        return new Unsubscriber(() =>
        {
            lock (_lock)
            {
                _targets = Array.FindAll(_targets, t => !ReferenceEquals(t, target));
            }
        });
    }

    /// <summary>Runs one pass now (also what the timer calls).</summary>
    internal void Tick()
    {
        foreach (var target in Volatile.Read(ref _targets))
        {
            target.Sweep();
        }
    }

    public void Dispose() => _timer.Dispose();
}
