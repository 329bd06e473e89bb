using System.Globalization;
using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>How a parameter's type and default are shown in <c>--help TYPE</c> and the plugin reference: in config syntax.</summary>
internal static class ParamText
{
    public static string TypeName(ParamSpec spec) => spec.Type switch
    {
        ParamType.String => "string",
        ParamType.Integer => "integer",
        ParamType.Float => "float",
        ParamType.Bool => "bool",
        ParamType.Size => "size",
        ParamType.Time => "time",
        ParamType.Enum => $"enum ({string.Join(", ", spec.EnumValues)})",
        ParamType.Array => spec.ElementType == ParamType.String ? "array" : $"array of {spec.ElementType.ToString().ToLowerInvariant()}",
        ParamType.Hash => "hash",
        _ => spec.Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The default as it would be written in fluent.conf; empty when there is none.</summary>
    public static string Default(ParamSpec spec) => spec.Default switch
    {
        null => string.Empty,
        string s => s.Length == 0 ? "\"\"" : s,
        bool b => b ? "true" : "false",
        long n when spec.Type == ParamType.Size => Size(n),
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        TimeSpan t => Time(t),
        IReadOnlyList<string> list => list.Count == 0 ? "[]" : string.Join(",", list),
        IReadOnlyDictionary<string, string> hash => hash.Count == 0 ? "{}" : string.Join(",", hash.Select(kv => $"{kv.Key}:{kv.Value}")),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>The largest unit that divides the value: <c>8m</c>, <c>256k</c>, <c>1000</c>.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["t", "g", "m", "k"];
        for (var i = 0; i < units.Length; i++)
        {
            var factor = 1L << (10 * (units.Length - i));
            if (bytes != 0 && bytes % factor == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / factor}{units[i]}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The largest unit that divides the value: <c>1d</c>, <c>1h</c>, <c>5m</c>, <c>10s</c>, <c>0.5s</c>.</summary>
    public static string Time(TimeSpan time)
    {
        var seconds = time.TotalSeconds;
        (double Factor, string Unit)[] units = [(86400, "d"), (3600, "h"), (60, "m")];
        foreach (var (factor, unit) in units)
        {
            if (seconds != 0 && seconds % factor == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{seconds / factor}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{seconds}s");
    }
}
