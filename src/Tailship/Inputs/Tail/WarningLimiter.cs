namespace Tailship.Inputs.Tail;

/// <summary>
/// Lets one warning per key through per interval and counts the rest, so a file full of bad lines cannot flood the
/// agent's log. Thread-safe.
/// </summary>
internal sealed class WarningLimiter
{
    private const int MaxKeys = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal); // guarded by _lock
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public WarningLimiter(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>True when a warning for <paramref name="key"/> may be logged now; <paramref name="suppressed"/> counts those held back since.</summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_states.TryGetValue(key, out var state) && now - state.Last < _interval)
            {
                state.Suppressed++;
                suppressed = 0;
                return false;
            }

            if (state is null)
            {
                if (_states.Count >= MaxKeys)
                {
                    _states.Clear();
                }

                state = new State();
                _states[key] = state;
            }

            suppressed = state.Suppressed;
            state.Suppressed = 0;
            state.Last = now;
            return true;
        }
    }

    /// <summary>True only the first time for <paramref name="key"/> (ignore_repeated_permission_error).</summary>
    public bool First(string key)
    {
        lock (_lock)
        {
            if (_states.ContainsKey("once:" + key))
            {
                return false;
            }

            _states["once:" + key] = new State();
            return true;
        }
    }

    public void Forget(string key)
    {
        lock (_lock)
        {
            _states.Remove("once:" + key);
        }
    }

    private sealed class State
    {
        public DateTimeOffset Last { get; set; }

        public long Suppressed { get; set; }
    }
}
