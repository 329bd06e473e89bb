using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Filters.RecordTransformer;

/// <summary>
/// <c>@type record_transformer</c>, as Fluentd v1 runs it without <c>enable_ruby</c>: adds or overwrites the keys
/// of <c>&lt;record&gt;</c> (new keys last, in order; an overwritten key keeps its place), expanding placeholders
/// from the record as it arrived; then <c>renew_time_key</c> sets the event time; then <c>remove_keys</c>.
/// An event whose new time cannot be computed goes to the error route, unchanged, as in Fluentd.
/// </summary>
internal sealed partial class RecordTransformerFilter : IFilter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<RecordTransformerOptions>(
        new PluginSpec(PluginKind.Filter, "record_transformer", new SectionSpec("filter", "Adds, changes and removes record keys, with placeholders.")
        {
            Params =
            [
                ParamSpec.Array("remove_keys", null, "Keys to delete after the record is built (comma-separated; record accessors such as $.a.b allowed)."),
                ParamSpec.Array("keep_keys", null, "With renew_record: keys of the incoming record to keep (comma-separated)."),
                ParamSpec.Bool("renew_record", false, "Start from an empty record instead of the incoming one."),
                ParamSpec.String("renew_time_key", null, "A key of the new record whose value (unix seconds, may be fractional) becomes the event time."),
                ParamSpec.Bool("enable_ruby", false, "Fluentd's Ruby expressions in ${...}; Tailship does not run Ruby, so only false is accepted."),
                ParamSpec.Bool("auto_typecast", true, "A value that is exactly one placeholder keeps the type of what it names (a number stays a number)."),
            ],
            Sections =
            [
                new SectionSpec("record", "KEY VALUE lines to set; values may use placeholders, and a value written as JSON becomes a map or array.")
                {
                    OpenKeys = true,
                    Multiple = true,
                },
            ],
        }),
        validate: RecordTransformerOptions.Validate,
        build: (options, context) => new RecordTransformerFilter(options, context));

    /// <summary>Marks events sent to the error route; removed from the batch after the pass.</summary>
    private static readonly Record Dropped = new(1);

    private readonly RecordTransformerOptions _options;
    private readonly string _hostname;
    private readonly TimeZoneSpec _zone;
    private readonly IEventRouter _router;
    private readonly ILogger _logger;

    public RecordTransformerFilter(RecordTransformerOptions options, PluginContext context)
    {
        _options = options;
        _hostname = context.Hostname;
        _zone = LocalZone.Of(context.Time);
        _router = context.Router;
        _logger = context.CreateLogger("Tailship.Filters.RecordTransformer");
    }

    public EventBatch Filter(string tag, EventBatch batch)
    {
        var entries = _options.Entries;
        var scope = new ExpansionScope(tag, _hostname, _zone);
        var keys = new string[entries.Count];
        var values = new RecordValue[entries.Count];
        var dropped = false;
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            scope.SetEvent(e.Time, e.Record);
            scope.ClearUnknown();

            // Everything is expanded from the record as it arrived before anything changes.
            for (var j = 0; j < entries.Count; j++)
            {
                keys[j] = entries[j].Key.ExpandKey(scope);
                values[j] = entries[j].Value.Expand(scope);
            }

            if (scope.LastUnknown is { } unknown)
            {
                LogUnknownPlaceholder(_logger, unknown, tag);
            }

            var time = e.Time;
            if (_options.RenewTimeKey is { } timeKey && TryFindNewValue(timeKey, e.Record, keys, values, out var timeValue))
            {
                if (!TryTimeFromValue(timeValue, out time, out var error))
                {
                    SendToErrorRoute(tag, e, new InvalidDataException($"renew_time_key '{timeKey}': {error}"));
                    batch[i] = e with { Record = Dropped };
                    dropped = true;
                    continue;
                }
            }

            var record = _options.RenewRecord ? Renewed(e.Record) : e.Record;
            for (var j = 0; j < entries.Count; j++)
            {
                record.Set(keys[j], values[j]);
            }

            foreach (var remove in _options.RemoveKeys)
            {
                remove.Delete(record);
            }

            batch[i] = new Event(time, record);
        }

        if (dropped)
        {
            batch.RemoveWhere(static e => ReferenceEquals(e.Record, Dropped));
        }

        return batch;
    }

    private Record Renewed(Record incoming)
    {
        var record = new Record(_options.KeepKeys.Count + _options.Entries.Count);
        foreach (var key in _options.KeepKeys)
        {
            if (incoming.TryGetValue(key, out var value))
            {
                record.Set(key, value);
            }
        }

        return record;
    }

    // The value the new record will hold at key: the last <record> entry that sets it, else the incoming value
    // (kept whole, or through keep_keys when renewing).
    private bool TryFindNewValue(string key, Record incoming, string[] keys, RecordValue[] values, out RecordValue value)
    {
        for (var j = keys.Length - 1; j >= 0; j--)
        {
            if (keys[j] == key)
            {
                value = values[j];
                return true;
            }
        }

        if (!_options.RenewRecord || _options.KeepKeys.Contains(key))
        {
            return incoming.TryGetValue(key, out value);
        }

        value = default;
        return false;
    }

    /// <summary>Fluentd's <c>Time.at(value.to_f)</c>: seconds and nanoseconds of the float, truncated toward the past.</summary>
    internal static bool TryTimeFromValue(RecordValue value, out EventTime time, out string? error)
    {
        time = default;
        if (!RubyConversions.TryToF(value, out var seconds))
        {
            error = $"a {value.Kind.ToString().ToLowerInvariant()} value has no numeric time";
            return false;
        }

        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) >= 9.2e9)
        {
            error = $"{RubyConversions.ToS(RecordValue.From(seconds))} is out of the range of event times";
            return false;
        }

        time = new EventTime(FloorNanoseconds(seconds));
        error = null;
        return true;
    }

    // floor(seconds * 1e9) computed exactly from the binary value of the double (no decimal rounding).
    private static long FloorNanoseconds(double seconds)
    {
        if (seconds == 0)
        {
            return 0;
        }

        var bits = BitConverter.DoubleToInt64Bits(seconds);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075;
        Int128 scaled = (Int128)mantissa * 1_000_000_000;
        if (seconds < 0)
        {
            scaled = -scaled;
        }

        // An arithmetic right shift rounds toward negative infinity, which is Ruby's truncation of Time#nsec.
        scaled = exponent >= 0 ? scaled << exponent : (-exponent >= 127 ? (scaled < 0 ? -1 : 0) : scaled >> -exponent);
        return (long)scaled;
    }

    private void SendToErrorRoute(string tag, Event e, Exception error)
    {
        var pending = _router.EmitErrorAsync(tag, e, error, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(pending, tag);
        }
    }

    private async Task ObserveAsync(ValueTask pending, string tag)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogErrorRouteFailed(_logger, tag, ex);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "unknown placeholder `{Placeholder}` found (tag {Tag}); it expanded to nothing")]
    private static partial void LogUnknownPlaceholder(ILogger logger, string placeholder, string tag);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "could not send an event of tag {Tag} to the error route; it is lost")]
    private static partial void LogErrorRouteFailed(ILogger logger, string tag, Exception error);
}
