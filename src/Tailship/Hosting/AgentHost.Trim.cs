using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

internal sealed partial class AgentHost
{
    /// <summary>
    /// Once, a while after start (<see cref="StartupPageTrim.DefaultDelay"/>, or <c>TAILSHIP_TRIM_STARTUP_PAGES</c>):
    /// a full compacting collection that returns the start-up garbage and free GC regions to the system, then
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
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var collected = ResidentSet.Read();
        try
        {
            var result = StartupPageTrim.Trim();
            var after = ResidentSet.Read();
            Log.StartupPagesTrimmed(logger, result.Mappings, result.ResidentKb, result.Failed, result.FirstErrno, before.ToString(), collected.ToString(), after.ToString());
            Log.GcSettings(logger, GC.GetConfigurationVariables().TryGetValue("GCgen0size", out var gen0) ? gen0 : "default", GC.GetGCMemoryInfo().HeapSizeBytes / 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            Log.StartupTrimFailed(logger, ex.Message);
        }
    }
}
