using System.Buffers;
using System.Globalization;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Filters.RecordTransformer;

/// <summary>
/// What placeholders resolve to: per batch the tag and its parts, per event the time and the record as it
/// arrived. Not shared between threads: the filter makes one per batch.
/// </summary>
internal sealed class ExpansionScope
{
    private readonly TimeZoneSpec _zone;
    private readonly RecordValue _tag;
    private readonly RecordValue[] _parts;
    private readonly RecordValue[] _prefixes;
    private readonly RecordValue[] _suffixes;
    private readonly RecordValue _hostname;
    private EventTime _time;
    private RecordValue? _timeText;
    private Record _record = new();

    public ExpansionScope(string tag, string hostname, TimeZoneSpec zone)
    {
        _zone = zone;
        _tag = RecordValue.From(tag);
        _hostname = RecordValue.From(hostname);
        var parts = SplitTag(tag);
        _parts = [.. parts.Select(p => RecordValue.From(p))];
        _prefixes = [.. parts.Select((_, i) => RecordValue.From(string.Join('.', parts[..(i + 1)])))];
        _suffixes = [.. parts.Select((_, i) => RecordValue.From(string.Join('.', parts[i..])))];
    }

    /// <summary>Reused buffer for building expanded text.</summary>
    public ArrayBufferWriter<byte> Scratch { get; } = new(256);

    /// <summary>Set when a placeholder named something this event does not have (an index out of range, a missing key).</summary>
    public string? LastUnknown { get; private set; }

    public void SetEvent(EventTime time, Record record)
    {
        _time = time;
        _timeText = null;
        _record = record;
    }

    public RecordValue Resolve(Placeholder placeholder)
    {
        switch (placeholder.Kind)
        {
            case PlaceholderKind.Tag:
                return _tag;
            case PlaceholderKind.Hostname:
                return _hostname;
            case PlaceholderKind.Time:
                return _timeText ??= RecordValue.From(RubyTimeToS(_time, _zone));
            case PlaceholderKind.TagParts:
                return Indexed(_parts, placeholder);
            case PlaceholderKind.TagPrefix:
                return Indexed(_prefixes, placeholder);
            case PlaceholderKind.TagSuffix:
                return Indexed(_suffixes, placeholder);
            case PlaceholderKind.Record when _record.TryGetValue(placeholder.Key!, out var value):
                return value;
            default:
                LastUnknown = placeholder.Text;
                return RecordValue.Null;
        }
    }

    /// <summary>Ruby's <c>Time#to_s</c> in the given zone: <c>2024-01-01 10:00:00 +0000</c>.</summary>
    public static string RubyTimeToS(EventTime time, TimeZoneSpec zone)
    {
        var offset = zone.GetOffsetSeconds(time.Seconds);
        var local = DateTime.UnixEpoch.AddSeconds(time.Seconds + offset);
        var sign = offset < 0 ? '-' : '+';
        var abs = Math.Abs(offset);
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm:ss} {sign}{abs / 3600:D2}{abs / 60 % 60:D2}");
    }

    public void ClearUnknown() => LastUnknown = null;

    private RecordValue Indexed(RecordValue[] values, Placeholder placeholder)
    {
        var i = placeholder.Index < 0 ? values.Length + placeholder.Index : placeholder.Index;
        if (i >= 0 && i < values.Length)
        {
            return values[i];
        }

        LastUnknown = placeholder.Text;
        return RecordValue.Null;
    }

    // Ruby's String#split('.'): empty fields are kept except at the end.
    private static string[] SplitTag(string tag)
    {
        var parts = tag.Split('.');
        var n = parts.Length;
        while (n > 0 && parts[n - 1].Length == 0)
        {
            n--;
        }

        return parts[..n];
    }
}
