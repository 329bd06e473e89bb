using Tailship.Observability;

namespace Tailship.Buffers;

/// <summary>
/// What the host reports to the output's exported metrics (<c>/metrics</c>, <c>/api/plugins.json</c>): the buffer's
/// state, retries, rollbacks and the retry state. Writes delivered, records and bytes out and the write latency are
/// the output's own to count (it knows what it delivered), and records in are the pipeline's.
/// </summary>
internal sealed partial class BufferedOutputHost
{
    private PluginMetrics? _pluginMetrics;

    private PluginMetrics PluginMetrics => _pluginMetrics ??= _context.Metrics;

    /// <summary>Publishes the buffer's state; after appends, writes and on every flush-thread pass.</summary>
    internal void ReportBuffer() => PluginMetrics.SetBuffer(_buffer.State());

    /// <summary>A failed write: its chunk went back to the queue, and the output waits for its next retry.</summary>
    private void ReportFailure(RetrySchedule schedule)
    {
        PluginMetrics.Rollbacks.Increment();
        PluginMetrics.SetRetry(new RetryState(schedule.Start, schedule.Steps, schedule.NextTime));
    }
}
