namespace Tailship.Tests.TestSupport;

/// <summary>
/// A clock that moves only when a test says so. Timers fire, in due order, when the clock passes them; their
/// callbacks run on the thread that advances the clock. <see cref="WaitForTimerAsync"/> lets a test wait until
/// the code under test is waiting on a timer again, so loops driven by this clock run without real sleeps.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _sequence;
    private TaskCompletionSource? _timerWaiter;

    public FakeTimeProvider(DateTimeOffset start, TimeZoneInfo? localTimeZone = null)
    {
        _now = start;
        LocalTimeZone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    public override TimeZoneInfo LocalTimeZone { get; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are scheduled to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + delta;
        }

        while (FireNext(target))
        {
        }

        lock (_lock)
        {
            if (_now < target)
            {
                _now = target;
            }
        }
    }

    /// <summary>Moves the clock to the earliest scheduled timer and fires it; false when none is scheduled.</summary>
    public bool AdvanceToNextTimer()
    {
        DateTimeOffset? due;
        lock (_lock)
        {
            due = _timers.Where(t => t.Due is not null).Select(t => t.Due).Min();
        }

        return due is { } d && FireNext(d);
    }

    /// <summary>Completes when at least one timer is scheduled (immediately if one already is).</summary>
    public Task WaitForTimerAsync(TimeSpan? timeout = null)
    {
        Task wait;
        lock (_lock)
        {
            if (_timers.Exists(t => t.Due is not null))
            {
                return Task.CompletedTask;
            }

            _timerWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _timerWaiter.Task;
        }

        return wait.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
    }

    private bool FireNext(DateTimeOffset limit)
    {
        FakeTimer? next;
        lock (_lock)
        {
            next = _timers.Where(t => t.Due is { } d && d <= limit).OrderBy(t => t.Due).ThenBy(t => t.Sequence).FirstOrDefault();
            if (next is null)
            {
                return false;
            }

            if (_now < next.Due!.Value)
            {
                _now = next.Due.Value;
            }

            next.Due = next.Period is { } p ? _now + p : null;
        }

        next.Fire();
        return true;
    }

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource? waiter = null;
        lock (_lock)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            timer.Sequence = ++_sequence;
            if (timer.Due is not null)
            {
                waiter = _timerWaiter;
                _timerWaiter = null;
            }
        }

        waiter?.TrySetResult();
    }

    private void Remove(FakeTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
