using System.Text;
using System.Text.Json;
using Tailship.Config;
using Tailship.Observability;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Observability;

public sealed class MonitorAgentJsonTests
{
    private readonly MetricsRegistry _registry = new();

    [Fact]
    public void BufferedOutput_HasFluentdsFieldsInFluentdsOrder()
    {
        var output = _registry.ForPlugin("out_s3", "s3", "output");
        output.Config = [new("@type", "s3"), new("@id", "out_s3")];
        output.AddEmit(10, 1000);
        output.AddEmit(5, 500);
        output.Writes.Increment();
        output.AddError("network");
        output.AddError("network");
        output.SetBuffer(new BufferState(1, 300, 2, 1200, 10_000, null, [1_700_000_000]));
        var start = new DateTimeOffset(2026, 11, 26, 1, 20, 0, TimeSpan.Zero);
        output.SetRetry(new RetryState(start, 2, start.AddSeconds(4)));

        var plugin = Single(MonitorAgentJson.Write(_registry.Plugins, includeConfig: true, includeRetry: true));

        Assert.Equal(
            [
                "plugin_id", "plugin_category", "type", "config", "output_plugin", "buffer_queue_length", "buffer_timekeys",
                "buffer_total_queued_size", "retry_count", "emit_records", "emit_size", "emit_count", "write_count", "rollback_count",
                "slow_flush_count", "flush_time_count", "buffer_stage_length", "buffer_stage_byte_size", "buffer_queue_byte_size",
                "buffer_available_buffer_space_ratios", "retry",
            ],
            plugin.EnumerateObject().Select(p => p.Name));
        Assert.Equal("output", plugin.GetProperty("plugin_category").GetString());
        Assert.True(plugin.GetProperty("output_plugin").GetBoolean());
        Assert.Equal(2, plugin.GetProperty("buffer_queue_length").GetInt64());
        Assert.Equal(1500, plugin.GetProperty("buffer_total_queued_size").GetInt64());
        Assert.Equal(2, plugin.GetProperty("retry_count").GetInt64());
        Assert.Equal(15, plugin.GetProperty("emit_records").GetInt64());
        Assert.Equal(1500, plugin.GetProperty("emit_size").GetInt64());
        Assert.Equal(2, plugin.GetProperty("emit_count").GetInt64());
        Assert.Equal(1, plugin.GetProperty("write_count").GetInt64());
        Assert.Equal(85.0, plugin.GetProperty("buffer_available_buffer_space_ratios").GetDouble());
        Assert.Equal("{\"@type\":\"s3\",\"@id\":\"out_s3\"}", plugin.GetProperty("config").GetRawText());
        Assert.Equal("{\"start\":\"2026-11-26 01:20:00 +0000\",\"steps\":2,\"next_time\":\"2026-11-26 01:20:04 +0000\"}", plugin.GetProperty("retry").GetRawText());
    }

    [Fact]
    public void Input_HasNullRetryCountAndNoOutputFields()
    {
        var input = _registry.ForPlugin("in_tail", "tail", "input");
        input.RecordsOut.Add(3);
        input.BytesOut.Add(30);

        var plugin = Single(MonitorAgentJson.Write(_registry.Plugins, includeConfig: false, includeRetry: true));

        Assert.Equal(["plugin_id", "plugin_category", "type", "output_plugin", "retry_count", "emit_records", "emit_size"], plugin.EnumerateObject().Select(p => p.Name));
        Assert.False(plugin.GetProperty("output_plugin").GetBoolean());
        Assert.Equal(JsonValueKind.Null, plugin.GetProperty("retry_count").ValueKind);
        Assert.Equal(3, plugin.GetProperty("emit_records").GetInt64());
    }

    [Fact]
    public void UnbufferedOutputNotRetrying_HasEmptyRetryAndNoBufferFields()
    {
        _registry.ForPlugin("out_null", "null", "output");

        var plugin = Single(MonitorAgentJson.Write(_registry.Plugins, includeConfig: false, includeRetry: true));

        Assert.False(plugin.TryGetProperty("buffer_queue_length", out _));
        Assert.Equal("{}", plugin.GetProperty("retry").GetRawText());
        Assert.False(Single(MonitorAgentJson.Write(_registry.Plugins, includeConfig: false, includeRetry: false)).TryGetProperty("retry", out _));
    }

    [Fact]
    public void Ltsv_ListsScalarFieldsOnly_NullAsEmpty()
    {
        _registry.ForPlugin("in_tail", "tail", "input").Config = [new("path", "/var/log/*.log")];
        _registry.ForPlugin("out_null", "null", "output");

        var ltsv = Encoding.UTF8.GetString(MonitorAgentJson.ToLtsv(MonitorAgentJson.Write(_registry.Plugins, includeConfig: true, includeRetry: true)));

        Assert.Equal(
            "plugin_id:in_tail\tplugin_category:input\ttype:tail\toutput_plugin:false\tretry_count:\temit_records:0\temit_size:0\n"
            + "plugin_id:out_null\tplugin_category:output\ttype:null\toutput_plugin:true\tretry_count:0\temit_records:0\temit_size:0\temit_count:0\twrite_count:0\trollback_count:0\tslow_flush_count:0\tflush_time_count:0\n",
            ltsv);
    }

    [Fact]
    public void ConfigDump_MasksSecrets()
    {
        var spec = new SectionSpec("match", "x")
        {
            Params = [ParamSpec.String("aws_key_id", null, "key") with { Secret = true }, ParamSpec.String("bucket", null, "b")],
        };
        var section = Section("match", "**", ("@type", "s3"), ("aws_key_id", "AKIA123"), ("aws_sec_key", "s3cr3t"), ("bucket", "logs"));

        var dump = PluginConfigDump.From(section, spec);

        Assert.Equal(
            [new("@type", "s3"), new("aws_key_id", "xxxxxx"), new("aws_sec_key", "xxxxxx"), new("bucket", "logs")],
            dump);
    }

    private static JsonElement Single(byte[] json) => Assert.Single(JsonDocument.Parse(json).RootElement.GetProperty("plugins").EnumerateArray().ToList()).Clone();
}
