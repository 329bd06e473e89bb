using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

internal sealed partial class AgentHost
{
    /// <summary>The heap size below which the trim first runs a full compacting collection.</summary>
    private const long SmallHeapBytes = 16L * 1024 * 1024;

    /// <summary>
    /// Once, a while after start (<see cref="StartupPageTrim.DefaultDelay"/>, or <c>TAILSHIP_TRIM_STARTUP_PAGES</c>):
    /// a full compacting collection that returns the start-up garbage and free GC regions to the system (when the
    /// heap is small, as at idle), then
    /// <see cref="StartupPageTrim"/>, so that the idle resident set is what the running agent uses rather than what
    /// starting it touched. Never fails the agent: a problem is logged at debug level and the agent carries on.
    /// </summary>
    private async Task TrimStartupPagesAsync(ILogger logger, CancellationToken stopping)
    {
        var value = _env.GetEnvironmentVariable(StartupPageTrim.Variable);
        if (!StartupPageTrim.TryParseDelay(value, out var delay))
        {
            Log.TrimVariableInvalid(logger, StartupPageTrim.Variable, value ?? "", StartupPageTrim.DefaultDelay.TotalSeconds);
        }

        if (delay is not { } wait)
        {
            Log.TrimOff(logger, StartupPageTrim.Variable);
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            await Task.Delay(wait, _env.Time, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var before = ResidentSet.Read();
        if (GC.GetGCMemoryInfo().HeapSizeBytes < SmallHeapBytes)
        {
            // Only a small heap: a blocking compacting collection of a large one (a backlog in a memory buffer)
            // would pause the pipeline for what is at most a few hundred KB here.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var collected = ResidentSet.Read();
        try
        {
            var result = StartupPageTrim.Trim();
            var after = ResidentSet.Read();
            Log.StartupPagesTrimmed(logger, result.Mappings, result.ResidentKb, result.Failed, result.FirstErrno, before.ToString(), collected.ToString(), after.ToString());
            Log.GcHeap(logger, GC.GetGCMemoryInfo().HeapSizeBytes / 1024, GC.CollectionCount(0));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            Log.StartupTrimFailed(logger, ex.Message);
        }
    }
}
