using System.Text.Json;
using Tailship.Events;
using Tailship.Observability;

namespace Tailship.Inputs.MonitorAgent;

/// <summary>The plugin list of the monitoring API as events: one record per plugin, the same fields as the JSON.</summary>
internal static class MonitorAgentRecords
{
    public static EventBatch Build(MetricsRegistry registry, bool withConfig, bool withRetry, EventTime now)
    {
        using var document = JsonDocument.Parse(MonitorAgentJson.Write(registry.Plugins, withConfig, withRetry));
        var plugins = document.RootElement.GetProperty("plugins");
        var batch = new EventBatch(plugins.GetArrayLength());
        foreach (var plugin in plugins.EnumerateArray())
        {
            batch.Add(now, ToRecord(plugin));
        }

        return batch;
    }

    private static Record ToRecord(JsonElement obj)
    {
        var record = new Record();
        foreach (var field in obj.EnumerateObject())
        {
            record.Append(field.Name, ToValue(field.Value));
        }

        return record;
    }

    private static RecordValue ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => RecordValue.From(value.GetString()),
        JsonValueKind.True => RecordValue.From(true),
        JsonValueKind.False => RecordValue.From(false),
        JsonValueKind.Number when value.TryGetInt64(out var n) => RecordValue.From(n),
        JsonValueKind.Number => RecordValue.From(value.GetDouble()),
        JsonValueKind.Object => RecordValue.FromMap(ToRecord(value)),
        JsonValueKind.Array => RecordValue.FromArray([.. value.EnumerateArray().Select(ToValue)]),
        _ => RecordValue.Null,
    };
}
