using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

internal sealed partial class AgentHost
{
    /// <summary>The heap size below which the trim first runs a full compacting collection.</summary>
    private const long SmallHeapBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Once, a while after start (<see cref="StartupPageTrim.DefaultDelay"/>, or <c>TAILSHIP_TRIM_STARTUP_PAGES</c>),
    /// then whenever the agent has gone quiet after work that brought pages back (<see cref="IdlePageTrim"/>, or
    /// <c>TAILSHIP_TRIM_IDLE_PAGES</c>): <see cref="TrimNow"/>, so that the idle resident set is what the running
    /// agent uses between two uploads rather than what starting it or the last upload touched. Never fails the agent:
    /// a problem is logged at debug level and the agent carries on. Ends when <paramref name="stopping"/> fires.
    /// </summary>
    private async Task TrimPagesAsync(ILogger logger, CancellationToken stopping)
    {
        var startValue = _env.GetEnvironmentVariable(StartupPageTrim.Variable);
        if (!StartupPageTrim.TryParseDelay(startValue, out var delay))
        {
            Log.TrimVariableInvalid(logger, StartupPageTrim.Variable, startValue ?? "", StartupPageTrim.DefaultDelay.TotalSeconds);
        }

        var idleValue = _env.GetEnvironmentVariable(IdlePageTrim.Variable);
        if (!IdlePageTrim.TryParseMinInterval(idleValue, out var minInterval))
        {
            Log.IdleTrimVariableInvalid(logger, IdlePageTrim.Variable, idleValue ?? "", IdlePageTrim.DefaultMinInterval.TotalSeconds);
        }

        var growthValue = _env.GetEnvironmentVariable(IdlePageTrim.GrowthVariable);
        if (!IdlePageTrim.TryParseGrowth(growthValue, out var growthKb))
        {
            Log.IdleTrimGrowthInvalid(logger, IdlePageTrim.GrowthVariable, growthValue ?? "", IdlePageTrim.DefaultGrowthMb);
        }

        if (delay is null)
        {
            Log.TrimOff(logger, StartupPageTrim.Variable);
        }

        if (minInterval is null)
        {
            Log.IdleTrimOff(logger, IdlePageTrim.Variable);
        }

        if (!OperatingSystem.IsLinux() || (delay is null && minInterval is null))
        {
            return;
        }

        if (delay is { } wait)
        {
            if (!await DelayAsync(wait, stopping).ConfigureAwait(false))
            {
                return;
            }

            TrimNow(logger, "start-up");
        }

        if (minInterval is { } interval)
        {
            await TrimWhenIdleAsync(logger, interval, growthKb, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Looks every few seconds; trims when <see cref="IdlePageTrim.IsDue"/> says so. Growth is that of the file-backed
    /// resident set over its lowest level since the first look after the last trim: what the trim's own log line and
    /// the idle loop bring back in the first seconds is the agent's idle working set, not work to trim. Ends when
    /// stopping.
    /// </summary>
    private async Task TrimWhenIdleAsync(ILogger logger, TimeSpan minInterval, long growthThresholdKb, CancellationToken stopping)
    {
        var checkInterval = IdlePageTrim.CheckIntervalFor(minInterval);
        long? lowestKb = null;
        var lastTrim = _env.Time.GetTimestamp();
        var lastCheck = lastTrim;
        var cpuBefore = Environment.CpuUsage.TotalTime;
        while (await DelayAsync(checkInterval, stopping).ConfigureAwait(false))
        {
            var cpuNow = Environment.CpuUsage.TotalTime;
            var now = _env.Time.GetTimestamp();
            var fileKb = ResidentSet.ReadFileKb();
            var lowest = Math.Min(lowestKb ?? fileKb, fileKb);
            var due = lowestKb is { } baseline && IdlePageTrim.IsDue(
                _env.Time.GetElapsedTime(lastTrim, now), minInterval, fileKb - baseline, growthThresholdKb,
                cpuNow - cpuBefore, _env.Time.GetElapsedTime(lastCheck, now));
            lowestKb = lowest;
            lastCheck = now;
            cpuBefore = cpuNow;
            if (!due)
            {
                continue;
            }

            TrimNow(logger, "idle");
            lowestKb = null;
            lastTrim = lastCheck = _env.Time.GetTimestamp();
            // The trim's own CPU is not the pipeline's: the next interval starts after it.
            cpuBefore = Environment.CpuUsage.TotalTime;
        }
    }

    /// <summary>False when stopping fired during the wait.</summary>
    private async Task<bool> DelayAsync(TimeSpan wait, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(wait, _env.Time, stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Finds the trimmable mappings (<see cref="StartupPageTrim.FindTrimmable"/>), runs a full compacting collection
    /// that returns garbage (the strings of <c>/proc/self/smaps</c> among it) and free GC regions to the system (only
    /// when the heap is small, as at idle) and <see cref="NativeHeapTrim"/>, then drops the mappings' pages. In this
    /// order because a full collection runs GC code that an idle agent's gen-0 collections never touch (measured with
    /// the collection after the drop: 3.4 MB of file-backed pages came straight back), and because the smaps strings
    /// read after the collection stayed as about 0.8 MB of committed heap. Logs what each step left and what the
    /// whole cost. Never throws for a trim that cannot be done.
    /// </summary>
    private static void TrimNow(ILogger logger, string kind)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var before = ResidentSet.Read();
        List<SmapsMapping> mappings;
        try
        {
            mappings = StartupPageTrim.FindTrimmable();
        }
        catch (IOException ex)
        {
            Log.TrimFailed(logger, kind, ex.Message);
            return;
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.TrimFailed(logger, kind, ex.Message);
            return;
        }

        if (GC.GetGCMemoryInfo().HeapSizeBytes < SmallHeapBytes)
        {
            // Only a small heap: a blocking compacting collection of a large one (a backlog in a memory buffer)
            // would pause the pipeline for what is at most a few hundred KB here.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var collected = ResidentSet.Read();
        NativeHeapTrim.Trim();
        var native = ResidentSet.Read();
        try
        {
            var result = StartupPageTrim.Drop(mappings);
            var after = ResidentSet.Read();
            var cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            Log.PagesTrimmed(logger, kind, result.Mappings, result.ResidentKb, result.Failed, result.FirstErrno, before.ToString(), collected.ToString(), native.ToString(), after.ToString(), cpuMs);
            Log.GcHeap(logger, GC.GetGCMemoryInfo().HeapSizeBytes / 1024, GC.CollectionCount(0));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Log.TrimFailed(logger, kind, ex.Message);
        }
    }
}
