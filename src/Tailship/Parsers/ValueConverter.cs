using System.Text;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Parsers;

/// <summary>
/// One entry of a parser's <c>types</c> parameter (<c>key:integer</c>, <c>key:float</c>, <c>key:bool</c>, <c>key:string</c>,
/// <c>key:time[:FORMAT]</c>, <c>key:array[:SEP]</c>), converting the way Fluentd does: Ruby <c>to_i</c>/<c>to_f</c>,
/// bool true only for <c>true</c>/<c>yes</c>/<c>1</c> (any case), a time becomes its epoch seconds (Fluentd's EventTime
/// shows as an integer) or null when it does not parse, and an array is Ruby's <c>String#split</c>.
/// </summary>
internal sealed class ValueConverter
{
    private static readonly string[] Types = ["string", "integer", "float", "bool", "time", "array"];

    private readonly string _type;
    private readonly TimeValueParser? _time;
    private readonly string _separator = ",";

    private ValueConverter(string type, TimeValueParser? time, string? separator)
    {
        _type = type;
        _time = time;
        _separator = separator ?? ",";
    }

    /// <summary>Builds the converter of <c>key:definition</c>; <paramref name="localZone"/> is the parser's default zone.</summary>
    public static ValueConverter? Create(string key, string definition, TimeZoneSpec localZone, out string? error)
    {
        error = null;
        var colon = definition.IndexOf(':', StringComparison.Ordinal);
        var type = colon < 0 ? definition : definition[..colon];
        var option = colon < 0 ? null : definition[(colon + 1)..];
        if (!Types.Contains(type))
        {
            error = $"unknown value conversion for key:'{key}', type:'{type}'; expected one of {string.Join(", ", Types)}";
            return null;
        }

        if (type != "time")
        {
            return new ValueConverter(type, null, type == "array" ? option : null);
        }

        // time:[timezone:]format, where format may also be unixtime or float.
        var timeType = "string";
        string? format = null;
        var zone = localZone;
        if (option is not null)
        {
            format = option;
            var split = option.IndexOf(':', StringComparison.Ordinal);
            if (split > 0 && TimeZones.TryParse(option[..split], out var z, out _))
            {
                zone = z;
                format = option[(split + 1)..];
            }

            if (format is "unixtime" or "float" or "string")
            {
                timeType = format;
                format = null;
            }
        }

        var parser = TimeValueParser.Create(timeType, format, [], zone, out error);
        return parser is null ? null : new ValueConverter(type, parser, null);
    }

    public RecordValue Convert(in RecordValue value, EventTime now) => _type switch
    {
        "string" => value.Kind == RecordValueKind.String ? value : RecordValue.From(value.ToString()),
        "integer" => ToInteger(value),
        "float" => ToFloat(value),
        "bool" => RecordValue.From(IsTruthy(value)),
        "time" => _time!.TryParse(value, now, out var t) ? RecordValue.From(t.Seconds) : RecordValue.Null,
        _ => Split(value),
    };

    private static RecordValue ToInteger(in RecordValue value) => value.Kind switch
    {
        RecordValueKind.Integer => value,
        RecordValueKind.Float => RecordValue.From(double.IsFinite(value.AsFloat) ? (long)Math.Truncate(value.AsFloat) : 0),
        _ => RecordValue.From(RubyNumbers.ToI(Utf8Of(value, out var owned) ? value.Utf8 : owned)),
    };

    private static RecordValue ToFloat(in RecordValue value) => value.Kind switch
    {
        RecordValueKind.Float => value,
        RecordValueKind.Integer when value.BigIntegerDigits is null => RecordValue.From((double)value.AsInteger),
        _ => RecordValue.From(RubyNumbers.ToF(Utf8Of(value, out var owned) ? value.Utf8 : owned)),
    };

    private static bool IsTruthy(in RecordValue value)
    {
        var text = value.ToString();
        return text.Equals("true", StringComparison.OrdinalIgnoreCase)
            || text.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || text == "1";
    }

    private RecordValue Split(in RecordValue value)
    {
        var text = value.ToString();
        var items = new List<RecordValue>();
        if (_separator == " ")
        {
            // Ruby's split(" ") is awk-style: runs of whitespace, leading whitespace ignored.
            foreach (var part in text.Split((char[])[' ', '\t', '\n', '\v', '\f', '\r'], StringSplitOptions.RemoveEmptyEntries))
            {
                items.Add(part);
            }

            return RecordValue.FromArray(items);
        }

        var parts = _separator.Length == 0 ? text.Select(c => c.ToString()).ToArray() : text.Split(_separator);
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--; // Ruby drops trailing empty fields.
        }

        for (var i = 0; i < count; i++)
        {
            items.Add(parts[i]);
        }

        return RecordValue.FromArray(items);
    }

    /// <summary>True when the value's UTF-8 bytes can be read in place; otherwise <paramref name="owned"/> holds them.</summary>
    private static bool Utf8Of(in RecordValue value, out byte[] owned)
    {
        if (value.IsUtf8Bytes)
        {
            owned = [];
            return true;
        }

        owned = Encoding.UTF8.GetBytes(value.ToString());
        return false;
    }
}
