using System.Text.Json;
using Tailship.Events;

namespace Tailship.Text;

/// <summary>
/// Turns parsed JSON into record values the way Ruby's JSON gives them to Fluentd: a number written without a
/// fraction or exponent is an integer (exact beyond 64 bits), any other number a float, and for a key written
/// twice the last value wins at the first one's position.
/// </summary>
internal static class JsonValues
{
    public static RecordValue FromElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return RecordValue.FromMap(ToRecord(element));
            case JsonValueKind.Array:
                var list = new List<RecordValue>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromElement(item));
                }

                return RecordValue.FromArray(list);
            case JsonValueKind.String:
                return RecordValue.From(element.GetString());
            case JsonValueKind.Number:
                return FromNumber(element);
            case JsonValueKind.True:
                return RecordValue.From(true);
            case JsonValueKind.False:
                return RecordValue.From(false);
            default:
                return RecordValue.Null;
        }
    }

    /// <summary>A JSON object as a record; the element must be an object.</summary>
    public static Record ToRecord(JsonElement element)
    {
        var record = new Record();
        foreach (var property in element.EnumerateObject())
        {
            record.Set(property.Name, FromElement(property.Value));
        }

        return record;
    }

    /// <summary>A copy that shares nothing mutable with <paramref name="value"/> (maps and arrays are copied).</summary>
    public static RecordValue DeepClone(RecordValue value) => value.Kind switch
    {
        RecordValueKind.Map => RecordValue.FromMap(DeepClone(value.AsMap)),
        RecordValueKind.Array => RecordValue.FromArray(value.AsArray.Select(DeepClone).ToList()),
        _ => value,
    };

    public static Record DeepClone(Record record)
    {
        var copy = new Record(record.Count);
        for (var i = 0; i < record.Count; i++)
        {
            copy.Append(record.KeyAt(i), DeepClone(record.ValueAt(i)));
        }

        return copy;
    }

    private static RecordValue FromNumber(JsonElement element)
    {
        var raw = element.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            return RecordValue.From(element.GetDouble());
        }

        return element.TryGetInt64(out var l) ? RecordValue.From(l) : RecordValue.FromBigInteger(raw);
    }
}
