using Tailship.Events;
using Tailship.Text;

namespace Tailship.Parsers;

/// <summary>
/// What every parser does after it has split a line into a record (Fluentd's <c>parse_time</c> and
/// <c>convert_values</c>): take the event time from <c>time_key</c>, then null out values by
/// <c>null_value_pattern</c>/<c>null_empty_string</c> and apply <c>types</c>. Immutable after build; safe to share.
/// </summary>
internal sealed class ParserCore
{
    private readonly Dictionary<string, ValueConverter>? _converters;
    private readonly ByteMatcher? _nullPattern;
    private readonly bool _nullEmptyString;

    public ParserCore(
        string? timeKey,
        bool keepTimeKey,
        bool estimateCurrentEvent,
        TimeValueParser time,
        TimeZoneSpec zone,
        Dictionary<string, ValueConverter>? converters,
        ByteMatcher? nullPattern,
        bool nullEmptyString)
    {
        TimeKey = timeKey;
        KeepTimeKey = keepTimeKey;
        EstimateCurrentEvent = estimateCurrentEvent;
        Time = time;
        Zone = zone;
        _converters = converters;
        _nullPattern = nullPattern;
        _nullEmptyString = nullEmptyString;
    }

    public string? TimeKey { get; }

    public bool KeepTimeKey { get; }

    public bool EstimateCurrentEvent { get; }

    public TimeValueParser Time { get; }

    /// <summary>The zone for times without one (from timezone / utc / localtime).</summary>
    public TimeZoneSpec Zone { get; }

    public bool ConvertsValues => _converters is not null || _nullPattern is not null || _nullEmptyString;

    /// <summary>
    /// Fluentd's <c>parse_time</c> then <c>convert_values</c>. False when the time field does not parse, or when there is
    /// none and <c>estimate_current_event</c> is false: the caller drops the line.
    /// </summary>
    public bool TryFinish(Record record, EventTime readTime, out EventTime time)
    {
        if (!TryTakeTime(record, readTime, out time))
        {
            return false;
        }

        Convert(record, readTime);
        return true;
    }

    public bool TryTakeTime(Record record, EventTime readTime, out EventTime time)
    {
        time = readTime;
        if (TimeKey is not null)
        {
            var index = record.IndexOf(TimeKey);
            if (index >= 0)
            {
                var value = record.ValueAt(index);
                if (!KeepTimeKey)
                {
                    record.Remove(TimeKey);
                }

                return Time.TryParse(value, readTime, out time);
            }
        }

        return EstimateCurrentEvent;
    }

    public void Convert(Record record, EventTime readTime)
    {
        if (!ConvertsValues)
        {
            return;
        }

        for (var i = 0; i < record.Count; i++)
        {
            var value = record.ValueAt(i);
            if (value.IsNull)
            {
                continue;
            }

            if (value.Kind == RecordValueKind.String && IsNullLike(value))
            {
                record.Set(record.KeyAt(i), RecordValue.Null);
                continue;
            }

            if (_converters is not null && _converters.TryGetValue(record.KeyAt(i), out var converter))
            {
                record.Set(record.KeyAt(i), converter.Convert(value, readTime));
            }
        }
    }

    private bool IsNullLike(in RecordValue value)
    {
        if (_nullEmptyString && (value.IsUtf8Bytes ? value.Utf8.IsEmpty : value.AsString!.Length == 0))
        {
            return true;
        }

        if (_nullPattern is null)
        {
            return false;
        }

        return value.IsUtf8Bytes ? _nullPattern.IsMatch(value.Utf8) : _nullPattern.Regex.IsMatch(value.AsString!);
    }
}
