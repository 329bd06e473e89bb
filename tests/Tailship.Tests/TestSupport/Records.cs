using System.Buffers;
using System.Text;
using System.Text.Json;
using Tailship.Events;
using Tailship.Formatters;
using Tailship.Text;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.TestSupport;

/// <summary>Records and batches written as JSON, for readable tests.</summary>
public static class Records
{
    public static Record FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonValues.ToRecord(doc.RootElement);
    }

    public static EventBatch Batch(params string[] jsonRecords)
    {
        var batch = new EventBatch();
        foreach (var json in jsonRecords)
        {
            batch.Add(EventTime.FromSeconds(1_704_103_200), FromJson(json));
        }

        return batch;
    }

    /// <summary>A record as Ruby-style inspect text, which shows types (strings quoted) for assertions.</summary>
    public static string Show(Record record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RubyText.WriteHashInspect(record, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
