using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Tests.Observability;

public sealed class PluginMetricsTests
{
    private readonly MetricsRegistry _registry = new();

    [Fact]
    public void Output_ExportsFluentdOutputStatusGauges()
    {
        var output = _registry.ForPlugin("out_s3", "s3", "output");
        output.AddEmit(4);
        output.AddError("auth");
        output.SetBuffer(new BufferState(0, 0, 3, 4096, 0, null));

        var text = _registry.WriteText();

        Assert.Contains("fluentd_output_status_buffer_queue_length{plugin_id=\"out_s3\",type=\"s3\"} 3\n", text);
        Assert.Contains("fluentd_output_status_buffer_total_bytes{plugin_id=\"out_s3\",type=\"s3\"} 4096\n", text);
        Assert.Contains("fluentd_output_status_emit_records{plugin_id=\"out_s3\",type=\"s3\"} 4\n", text);
        Assert.Contains("fluentd_output_status_num_errors{plugin_id=\"out_s3\",type=\"s3\"} 1\n", text);
        Assert.Contains("tailship_plugin_errors_total{plugin_id=\"out_s3\",type=\"s3\",cause=\"auth\"} 1\n", text);
        Assert.Contains("tailship_buffer_queue_length{plugin_id=\"out_s3\",type=\"s3\"} 3\n", text);
    }

    [Fact]
    public void Input_HasNoFluentdOutputStatus()
    {
        _registry.ForPlugin("in_tail", "tail", "input").RecordsIn.Add(2);

        var text = _registry.WriteText();

        Assert.DoesNotContain("fluentd_output_status", text);
        Assert.Contains("tailship_plugin_records_in_total{plugin_id=\"in_tail\",type=\"tail\"} 2\n", text);
    }

    [Fact]
    public void OldestUnsentAge_IsMeasuredAtScrapeTime()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 26, 1, 0, 0, TimeSpan.Zero));
        var registry = new MetricsRegistry(time);
        var output = registry.ForPlugin("out", "s3", "output");
        output.SetBuffer(new BufferState(1, 10, 0, 0, 0, time.GetUtcNow()));

        time.Now = time.Now.AddSeconds(90);

        Assert.Contains("tailship_buffer_oldest_unsent_age_seconds{plugin_id=\"out\",type=\"s3\"} 90\n", registry.WriteText());
    }

    [Fact]
    public void FileLag_IsExportedOnlyWithPerFileMetrics()
    {
        var tail = _registry.ForPlugin("in_tail", "tail", "input");
        tail.SetLag(100);
        tail.SetFileLag("/var/log/a.log", 60);
        Assert.DoesNotContain("tailship_tail_file_lag_bytes", _registry.WriteText());

        _registry.PerFileMetrics = true;
        tail.SetFileLag("/var/log/a.log", 60);
        Assert.Contains("tailship_tail_file_lag_bytes{plugin_id=\"in_tail\",type=\"tail\",path=\"/var/log/a.log\"} 60\n", _registry.WriteText());
        Assert.Contains("tailship_tail_lag_bytes{plugin_id=\"in_tail\",type=\"tail\"} 100\n", _registry.WriteText());

        tail.RemoveFile("/var/log/a.log");
        Assert.DoesNotContain("tailship_tail_file_lag_bytes", _registry.WriteText());
    }

    [Fact]
    public void ErrorCauses_AreBounded()
    {
        var output = _registry.ForPlugin("out", "s3", "output");
        for (var i = 0; i < PluginMetrics.MaxErrorCauses + 5; i++)
        {
            output.AddError($"cause{i}");
        }

        Assert.Equal(PluginMetrics.MaxErrorCauses + 5, output.ErrorCount);
        Assert.Contains("cause=\"other\"} 5\n", _registry.WriteText());
    }

    [Fact]
    public void PluginContext_GivesTheHandleOfItsPlugin_SharedWithTheRegistry()
    {
        var context = new PluginContext(new PluginRegistry()) { PluginId = "out_s3", PluginType = "s3", MetricsRegistry = _registry };
        _registry.ForPlugin("out_s3", "s3", "output");

        var metrics = context.Metrics;
        metrics.RecordsOut.Add(5);

        Assert.Same(metrics, _registry.FindPlugin("out_s3"));
        Assert.Equal("output", metrics.Category);
        Assert.Equal(["out_s3"], _registry.Plugins.Select(p => p.Id));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
