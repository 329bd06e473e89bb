using System.Globalization;

namespace Tailship.Hosting;

/// <summary>
/// When the agent trims its pages again after start: once it has done some work (an upload, a burst of lines) that
/// brought pages back into its resident set, and has gone quiet. Every <see cref="CheckInterval"/> the host reads the
/// file-backed resident set and the CPU time of the process; a trim is due when it has grown by at least the
/// growth threshold since the last trim, the last interval used under <see cref="QuietCpuShare"/> of a core, and at
/// least the minimum interval has passed since the last trim. The trim itself is <see cref="StartupPageTrim.Trim"/>
/// with the same invariant (only clean read-only file mappings), after a collection of a small managed heap and
/// <c>malloc_trim</c>.
/// </summary>
/// <remarks>
/// The baseline is the lowest level from the first look after a trim on: what the trim's own log line and the idle
/// loop bring back in the first seconds is the idle working set, and trimming it would only fault it back. An upload
/// through the AWS SDK brings back 3-7 MB (measured on the seed: 4 MB when the pipeline's code is already resident,
/// 7 MB right after a trim); 1 MB by default catches the growth of the idle loop itself as well. The quiet test keeps the trim out of bursts: a pipeline reading
/// lines never trims, and an idle trim costs 3-7 ms of CPU.
/// </remarks>
internal static class IdlePageTrim
{
    /// <summary>Switches the idle trim off (<c>off</c>, <c>0</c>) or sets the minimum time between two trims in seconds.</summary>
    public const string Variable = "TAILSHIP_TRIM_IDLE_PAGES";

    /// <summary>The growth of the file-backed resident set in MB since the last trim that makes the next one due (<c>0</c>: trim whenever quiet).</summary>
    public const string GrowthVariable = "TAILSHIP_TRIM_IDLE_GROWTH_MB";

    /// <summary>At most one idle trim per this interval by default: at most one per upload of the seed (one a minute).</summary>
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromSeconds(30);

    public const double DefaultGrowthMb = 1;

    /// <summary>
    /// How often the host looks (or the minimum interval, when that is shorter): one read of <c>/proc/self/statm</c> and
    /// of the process's CPU time, a few microseconds. Once a second, so the pages an upload brought back are dropped
    /// one to two seconds after it, not five to ten (at 5 s the seed spent 7-10 s at about 20 MB after each upload).
    /// </summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The share of a core under which an interval counts as quiet (the idle seed uses 0.1-0.2 %).</summary>
    public const double QuietCpuShare = 0.02;

    /// <summary>The minimum interval from <see cref="Variable"/>'s value; null when off; false when the value is not understood (then the default).</summary>
    public static bool TryParseMinInterval(string? value, out TimeSpan? interval) =>
        TryParseSeconds(value, DefaultMinInterval, out interval);

    /// <summary>The growth threshold in kB from <see cref="GrowthVariable"/>'s value; false when the value is not understood (then the default).</summary>
    public static bool TryParseGrowth(string? value, out long growthKb)
    {
        growthKb = (long)(DefaultGrowthMb * 1024);
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) || mb < 0 || mb > 1_000_000)
        {
            return false;
        }

        growthKb = (long)(mb * 1024);
        return true;
    }

    /// <summary>How often the host looks with this minimum interval.</summary>
    public static TimeSpan CheckIntervalFor(TimeSpan minInterval) => minInterval < CheckInterval ? minInterval : CheckInterval;

    /// <summary>
    /// Whether a trim is due: enough time since the last one, the file-backed resident set grown by at least
    /// <paramref name="growthThresholdKb"/> since it settled (a threshold of 0: whenever quiet), and the last interval quiet.
    /// </summary>
    public static bool IsDue(TimeSpan sinceLastTrim, TimeSpan minInterval, long growthKb, long growthThresholdKb, TimeSpan cpu, TimeSpan interval) =>
        sinceLastTrim >= minInterval
        && growthKb >= growthThresholdKb
        && interval > TimeSpan.Zero && cpu.TotalSeconds <= QuietCpuShare * interval.TotalSeconds;

    /// <summary>off/on/seconds, shared with <see cref="StartupPageTrim.TryParseDelay"/>'s form.</summary>
    internal static bool TryParseSeconds(string? value, TimeSpan fallback, out TimeSpan? result)
    {
        result = fallback;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var text = value.Trim();
        if (text is "off" or "false" or "no")
        {
            result = null;
            return true;
        }

        if (text is "on" or "true" or "yes")
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= 86_400)
        {
            result = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
            return true;
        }

        return false;
    }
}
