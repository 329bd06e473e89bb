using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Tailship.Events;
using Tailship.Formatters.Json;
using Tailship.Text;

namespace Tailship.Formatters;

/// <summary>
/// Writes event times as a formatter's time settings say. A string rendering without fractions of a second is
/// cached per second, so a stream of events allocates only when the second changes (once per second), not per event.
/// Safe for concurrent use: the cache entry is immutable and replaced whole.
/// </summary>
internal sealed class EventTimeWriter
{
    private readonly TimeType _type;
    private readonly Strftime _format;
    private readonly TimeZoneSpec _zone;
    private readonly bool _cacheable;
    private volatile CacheEntry? _last;

    public EventTimeWriter(TimeFormatOptions options, TimeZoneSpec localZone)
    {
        _type = options.Type;
        _zone = options.ResolveZone(localZone);

        // Ruby's Time#iso8601: whole seconds and a numeric offset, or Z for UTC time.
        _format = Strftime.Compile(options.Format ?? (_zone.IsUtc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S%:z"));
        _cacheable = _type == TimeType.String && !_format.UsesSubseconds;
    }

    public TimeZoneSpec Zone => _zone;

    /// <summary>True when the rendering depends only on the whole second (callers may cache what they build on it).</summary>
    public bool IsPerSecond => _cacheable || _type == TimeType.Unixtime;

    /// <summary>An upper bound on the bytes of one time.</summary>
    public int MaxLength => Math.Max(_format.MaxLength, RubyFloatWriter.MaxLength);

    public void Write(EventTime time, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(MaxLength);
        output.Advance(Write(time, span));
    }

    /// <summary>Writes into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the bytes written.</summary>
    public int Write(EventTime time, Span<byte> destination)
    {
        switch (_type)
        {
            case TimeType.Unixtime:
                Utf8Formatter.TryFormat(time.Seconds, destination, out var n);
                return n;
            case TimeType.Float:
                return RubyFloatWriter.Write(ToDouble(time), destination);
        }

        if (!_cacheable)
        {
            return _format.Format(CivilTime.From(time, _zone), destination);
        }

        var seconds = time.Seconds;
        var entry = _last;
        if (entry is null || entry.Seconds != seconds)
        {
            var length = _format.Format(CivilTime.From(time, _zone), destination);
            entry = new CacheEntry(seconds, destination[..length].ToArray());
            _last = entry;
            return length;
        }

        entry.Bytes.CopyTo(destination);
        return entry.Bytes.Length;
    }

    /// <summary>
    /// Ruby's <c>time.to_r.to_f</c>: the double nearest to the exact seconds. Dividing the nanoseconds as doubles
    /// would round twice, so the decimal text is parsed instead (parsing rounds correctly).
    /// </summary>
    public static double ToDouble(EventTime time)
    {
        Span<char> text = stackalloc char[32];
        time.Seconds.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
        text[n++] = '.';
        time.Nanoseconds.TryFormat(text[n..], out var f, "D9", CultureInfo.InvariantCulture);
        return double.Parse(text[..(n + f)], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public string Format(EventTime time)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return Encoding.UTF8.GetString(buffer[..Write(time, buffer)]);
    }

    private sealed record CacheEntry(long Seconds, byte[] Bytes);
}
