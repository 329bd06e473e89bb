namespace Tailship.Observability;

public sealed partial class PluginMetrics
{
    /// <summary>
    /// The gauges of fluent-plugin-prometheus's <c>prometheus_output_monitor</c>, with its names and labels
    /// (<c>plugin_id</c>, <c>type</c>), so that existing Fluentd dashboards and alerts keep working.
    /// </summary>
    private void RegisterFluentdOutputStatus()
    {
        Observe("fluentd_output_status_buffer_queue_length", "Current buffer queue length.", () => Buffer.QueueLength);
        Observe("fluentd_output_status_buffer_total_bytes", "Current total size of queued buffers.", () => Buffer.TotalBytes);
        Observe("fluentd_output_status_buffer_stage_length", "Current length of stage buffers.", () => Buffer.StageLength);
        Observe("fluentd_output_status_buffer_stage_byte_size", "Current total size of stage buffers.", () => Buffer.StageBytes);
        Observe("fluentd_output_status_buffer_queue_byte_size", "Current total size of queue buffers.", () => Buffer.QueueBytes);
        Observe("fluentd_output_status_buffer_available_space_ratio", "Ratio of available space in buffer.", () => Buffer.AvailableSpaceRatio);
        Observe("fluentd_output_status_retry_count", "Current retry counts.", () => ErrorCount);
        Observe("fluentd_output_status_num_errors", "Current number of errors.", () => ErrorCount);
        Observe("fluentd_output_status_emit_count", "Current emit counts.", () => EmitCount);
        Observe("fluentd_output_status_emit_records", "Current emit records.", () => RecordsIn.Value);
        Observe("fluentd_output_status_write_count", "Current write counts.", () => Writes.Value);
        Observe("fluentd_output_status_rollback_count", "Current rollback counts.", () => Rollbacks.Value);
        Observe("fluentd_output_status_slow_flush_count", "Current slow flush counts.", () => SlowFlushes.Value);
        Observe("fluentd_output_status_flush_time_count", "Total flush time.", () => Math.Round(FlushDuration.Sum * 1000));
        Observe("fluentd_output_status_retry_wait", "Current retry wait", () => Retry is { } r ? (r.NextTime - r.Start).TotalSeconds : 0);
    }

    private void Observe(string name, string help, Func<double> value) => _registry.ObservedGauge(name, help, value, _labels);
}
