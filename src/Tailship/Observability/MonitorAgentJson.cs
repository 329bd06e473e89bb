using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tailship.Observability;

/// <summary>
/// Fluentd's <c>monitor_agent</c> view of the plugins: <c>{"plugins":[...]}</c> with Fluentd's field names and
/// order (plugin_id, plugin_category, type, config, output_plugin, buffer fields, retry_count, emit and write
/// statistics, retry), and the LTSV form of <c>/api/plugins</c> (scalar fields only, as Fluentd prints them).
/// </summary>
internal static class MonitorAgentJson
{
    public static byte[] Write(IEnumerable<PluginMetrics> plugins, bool includeConfig, bool includeRetry)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        // Served as application/json, never embedded in HTML: write text as Fluentd does (UTF-8, '+' and '<' raw).
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("plugins");
            foreach (var plugin in plugins)
            {
                WritePlugin(json, plugin, includeConfig, includeRetry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    public static void WritePlugin(Utf8JsonWriter json, PluginMetrics plugin, bool includeConfig, bool includeRetry)
    {
        var output = plugin.Category == "output";
        json.WriteStartObject();
        json.WriteString("plugin_id", plugin.Id);
        json.WriteString("plugin_category", plugin.Category);
        json.WriteString("type", plugin.Type);
        if (includeConfig)
        {
            json.WriteStartObject("config");
            foreach (var (key, value) in plugin.Config)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        json.WriteBoolean("output_plugin", output);
        var buffer = plugin.HasBuffer ? plugin.Buffer : null;
        if (buffer is not null)
        {
            json.WriteNumber("buffer_queue_length", buffer.QueueLength);
            if (buffer.Timekeys is { } timekeys)
            {
                json.WriteStartArray("buffer_timekeys");
                foreach (var key in timekeys)
                {
                    json.WriteNumberValue(key);
                }

                json.WriteEndArray();
            }

            json.WriteNumber("buffer_total_queued_size", buffer.TotalBytes);
        }

        if (output)
        {
            json.WriteNumber("retry_count", plugin.ErrorCount);
        }
        else
        {
            json.WriteNull("retry_count");
        }

        // An input's emitted records are what it passed on; a filter's and an output's are what they received.
        json.WriteNumber("emit_records", plugin.Category == "input" ? plugin.RecordsOut.Value : plugin.RecordsIn.Value);
        json.WriteNumber("emit_size", plugin.Category == "input" ? plugin.BytesOut.Value : plugin.BytesIn.Value);
        if (output)
        {
            json.WriteNumber("emit_count", plugin.EmitCount);
            json.WriteNumber("write_count", plugin.Writes.Value);
            json.WriteNumber("rollback_count", plugin.Rollbacks.Value);
            json.WriteNumber("slow_flush_count", plugin.SlowFlushes.Value);
            json.WriteNumber("flush_time_count", (long)Math.Round(plugin.FlushDuration.Sum * 1000));
        }

        if (buffer is not null)
        {
            json.WriteNumber("buffer_stage_length", buffer.StageLength);
            json.WriteNumber("buffer_stage_byte_size", buffer.StageBytes);
            json.WriteNumber("buffer_queue_byte_size", buffer.QueueBytes);
            json.WriteNumber("buffer_available_buffer_space_ratios", buffer.AvailableSpaceRatio);
        }

        if (output && includeRetry)
        {
            json.WriteStartObject("retry");
            if (plugin.Retry is { } retry)
            {
                json.WriteString("start", RubyTime(retry.Start));
                json.WriteNumber("steps", retry.Steps);
                json.WriteString("next_time", RubyTime(retry.NextTime));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>The LTSV form: one line per plugin, <c>key:value</c> of its scalar fields joined by tabs (null is empty).</summary>
    public static byte[] ToLtsv(byte[] pluginsJson)
    {
        using var document = JsonDocument.Parse(pluginsJson);
        var text = new StringBuilder();
        foreach (var plugin in document.RootElement.GetProperty("plugins").EnumerateArray())
        {
            var first = true;
            foreach (var field in plugin.EnumerateObject())
            {
                if (field.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    continue;
                }

                if (!first)
                {
                    text.Append('\t');
                }

                first = false;
                text.Append(field.Name).Append(':').Append(field.Value.ValueKind switch
                {
                    JsonValueKind.String => field.Value.GetString(),
                    JsonValueKind.Null => string.Empty,
                    _ => field.Value.GetRawText(),
                });
            }

            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Ruby's <c>Time#to_s</c> as Fluentd's JSON shows retry times, in UTC: <c>2024-01-01 10:00:00 +0000</c>.</summary>
    internal static string RubyTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
}
