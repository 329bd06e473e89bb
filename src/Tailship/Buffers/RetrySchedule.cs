namespace Tailship.Buffers;

/// <summary>
/// The retry state of one output after a failed flush (Fluentd's RetryState): when the next attempt may run,
/// whether it goes to the secondary, and when to give up. Created at the first failure, dropped at the first
/// success. <c>retry_max_times N</c> allows N retries after the first attempt; <c>retry_timeout</c> bounds the time
/// from the first failure (the last retry is moved to that instant); <c>retry_forever</c> lifts both limits.
/// Not thread-safe: the host guards it with its lock.
/// </summary>
internal sealed class RetrySchedule
{
    private const double RandomizeWidth = 0.125;

    private readonly RetryOptions _options;
    private readonly Func<double> _random;
    private readonly bool _hasSecondary;

    public RetrySchedule(RetryOptions options, DateTimeOffset firstFailure, bool hasSecondary, Func<double> random)
    {
        _options = options;
        _random = random;
        _hasSecondary = hasSecondary && !options.Forever;
        Start = firstFailure;
        TimeoutAt = firstFailure + options.Timeout;
        SecondaryAt = _hasSecondary ? firstFailure + (options.Timeout * options.SecondaryThreshold) : null;
        NextTime = Clamp(firstFailure, firstFailure + Randomize(Interval(0)));
    }

    public DateTimeOffset Start { get; }

    /// <summary>True when no retry is allowed at all (<c>retry_max_times 0</c>).</summary>
    public bool NoRetries => !_options.Forever && _options.MaxTimes == 0;

    public DateTimeOffset TimeoutAt { get; }

    public DateTimeOffset? SecondaryAt { get; }

    /// <summary>Retries done so far (failed attempts after the first failure).</summary>
    public int Steps { get; private set; }

    public DateTimeOffset NextTime { get; private set; }

    /// <summary>True once retries should go to the secondary output.</summary>
    public bool UseSecondary(DateTimeOffset now) => SecondaryAt is { } at && now >= at;

    /// <summary>Records a failed retry at <paramref name="now"/>; returns false when the limit is reached (give up).</summary>
    public bool Step(DateTimeOffset now)
    {
        Steps++;
        if (!_options.Forever && ((_options.MaxTimes is { } max && Steps >= max) || now >= TimeoutAt))
        {
            return false;
        }

        NextTime = Clamp(now, now + Randomize(Interval(Steps)));
        return true;
    }

    /// <summary>The wait before retry number <paramref name="step"/> + 1, before randomizing.</summary>
    public TimeSpan Interval(int step)
    {
        var seconds = _options.Exponential
            ? _options.Wait.TotalSeconds * Math.Pow(_options.BackoffBase, step)
            : _options.Wait.TotalSeconds;
        if (_options.MaxInterval is { } max && seconds > max.TotalSeconds)
        {
            seconds = max.TotalSeconds;
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 4));
    }

    private TimeSpan Randomize(TimeSpan interval) =>
        _options.Randomize ? interval * (1 + (RandomizeWidth * ((2 * _random()) - 1))) : interval;

    private DateTimeOffset Clamp(DateTimeOffset now, DateTimeOffset next)
    {
        if (_options.Forever)
        {
            return next;
        }

        // Do not sleep past the moment the secondary takes over, nor past the timeout: the last retry runs then.
        if (SecondaryAt is { } at && now < at && next > at)
        {
            return at;
        }

        return next > TimeoutAt ? TimeoutAt : next;
    }
}
