using Tailship.Events;

namespace Tailship.Outputs.Copy;

/// <summary>Copies of events for <c>copy_mode shallow</c> and <c>deep</c>.</summary>
internal static class RecordCopy
{
    public static EventBatch Copy(EventBatch batch, CopyMode mode)
    {
        var copy = new EventBatch(batch.Count);
        foreach (var e in batch.AsSpan())
        {
            copy.Add(e.Time, mode == CopyMode.Deep ? Deep(e.Record) : e.Record.Clone());
        }

        return copy;
    }

    public static Record Deep(Record record)
    {
        var copy = new Record(record.Count);
        for (var i = 0; i < record.Count; i++)
        {
            copy.Append(record.KeyAt(i), Deep(record.ValueAt(i)));
        }

        return copy;
    }

    // Strings (including raw UTF-8 byte strings) are never changed in place by Tailship, so they are shared.
    private static RecordValue Deep(RecordValue value) => value.Kind switch
    {
        RecordValueKind.Map => RecordValue.FromMap(Deep(value.AsMap)),
        RecordValueKind.Array => RecordValue.FromArray(value.AsArray.ConvertAll(Deep)),
        _ => value,
    };
}
