using System.Globalization;
using System.Text.Json;

namespace Tailship.Config;

/// <summary>
/// Parses Fluentd's typed parameter values. Each method returns false with a message saying what was expected;
/// Fluentd would silently turn <c>"abc"</c> into 0, Tailship refuses it.
/// </summary>
public static class ConfigValues
{
    public static bool TryParse(ParamSpec spec, string raw, out object? value, out string? error)
    {
        error = null;
        value = null;
        switch (spec.Type)
        {
            case ParamType.String:
                value = raw;
                return true;
            case ParamType.Integer when TryParseInteger(raw, out var i):
                value = i;
                return true;
            case ParamType.Integer:
                error = $"expected an integer, found '{raw}'";
                return false;
            case ParamType.Float when double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f):
                value = f;
                return true;
            case ParamType.Float:
                error = $"expected a number, found '{raw}'";
                return false;
            case ParamType.Bool when TryParseBool(raw, out var b):
                value = b;
                return true;
            case ParamType.Bool:
                error = $"expected true or false, found '{raw}'";
                return false;
            case ParamType.Size when TryParseSize(raw, out var size):
                value = size;
                return true;
            case ParamType.Size:
                error = $"expected a size such as 1024, 8k, 256m or 1g, found '{raw}'";
                return false;
            case ParamType.Time when TryParseTime(raw, out var time):
                value = time;
                return true;
            case ParamType.Time:
                error = $"expected a time such as 30, 1.5, 10s, 5m, 1h or 1d, found '{raw}'";
                return false;
            case ParamType.Enum when spec.EnumValues.Contains(raw.Trim()):
                value = raw.Trim();
                return true;
            case ParamType.Enum:
                var near = Suggest.Closest(raw.Trim(), spec.EnumValues);
                error = $"expected one of {string.Join(", ", spec.EnumValues)}, found '{raw}'" + (near is null ? string.Empty : $"; did you mean '{near}'?");
                return false;
            case ParamType.Array when TryParseArray(raw, out var array, out error):
                value = array;
                return true;
            case ParamType.Hash when TryParseHash(raw, out var hash, out error):
                value = hash;
                return true;
            default:
                return false;
        }
    }

    public static bool TryParseInteger(string raw, out long value) =>
        long.TryParse(raw.Trim().Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Fluentd's bool: <c>true</c>/<c>yes</c> and <c>false</c>/<c>no</c>; an empty value means true.</summary>
    public static bool TryParseBool(string raw, out bool value)
    {
        switch (raw.Trim())
        {
            case "" or "true" or "yes":
                value = true;
                return true;
            case "false" or "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool TryParseSize(string raw, out long value)
    {
        var s = raw.Trim();
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        long multiplier = char.ToLowerInvariant(s[^1]) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            _ => 1,
        };
        var number = multiplier == 1 ? s : s[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            return false;
        }

        value = (long)(n * multiplier);
        return true;
    }

    public static bool TryParseTime(string raw, out TimeSpan value)
    {
        var s = raw.Trim();
        value = default;
        if (s.Length == 0)
        {
            return false;
        }

        double multiplier = s[^1] switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => 0,
        };
        var number = multiplier == 0 ? s : s[..^1];
        if (multiplier == 0)
        {
            multiplier = 1;
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0 || double.IsInfinity(n))
        {
            return false;
        }

        value = TimeSpan.FromSeconds(n * multiplier);
        return true;
    }

    /// <summary><c>a,b,c</c> (items trimmed) or a JSON array of strings or numbers.</summary>
    public static bool TryParseArray(string raw, out IReadOnlyList<string> value, out string? error)
    {
        error = null;
        var s = raw.Trim();
        if (s.StartsWith('['))
        {
            try
            {
                using var doc = JsonDocument.Parse(s);
                if (doc.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw new JsonException("not an array");
                }

                value = doc.RootElement.EnumerateArray().Select(JsonText).ToArray();
                return true;
            }
            catch (JsonException ex)
            {
                value = [];
                error = $"expected a JSON array, found '{raw}' ({ex.Message})";
                return false;
            }
        }

        value = s.Length == 0 ? [] : s.Split(',').Select(x => x.Trim()).ToArray();
        return true;
    }

    /// <summary><c>k:v,k2:v2</c> (split at the first colon, trimmed) or a JSON object.</summary>
    public static bool TryParseHash(string raw, out IReadOnlyDictionary<string, string> value, out string? error)
    {
        error = null;
        var s = raw.Trim();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        value = result;
        if (s.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(s);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("not an object");
                }

                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    result[p.Name] = JsonText(p.Value);
                }

                return true;
            }
            catch (JsonException ex)
            {
                error = $"expected a JSON object, found '{raw}' ({ex.Message})";
                return false;
            }
        }

        foreach (var item in s.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                error = $"expected key:value pairs separated by commas, found '{item.Trim()}' without a colon";
                return false;
            }

            result[item[..colon].Trim()] = item[(colon + 1)..].Trim();
        }

        return true;
    }

    private static string JsonText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    /// <summary>Renders a typed value back as config text (for defaults in docs and <c>--help</c>).</summary>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        TimeSpan t => FormatTime(t),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => string.Join(",", list),
        IReadOnlyDictionary<string, string> map => string.Join(",", map.Select(kv => $"{kv.Key}:{kv.Value}")),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatTime(TimeSpan t)
    {
        var s = t.TotalSeconds;
        if (s >= 86400 && s % 86400 == 0)
        {
            return $"{s / 86400}d";
        }

        if (s >= 3600 && s % 3600 == 0)
        {
            return $"{s / 3600}h";
        }

        if (s >= 60 && s % 60 == 0)
        {
            return $"{s / 60}m";
        }

        return $"{s.ToString("R", CultureInfo.InvariantCulture)}s";
    }
}
