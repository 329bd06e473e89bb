using System.Globalization;
using System.Text;

namespace Tailship.Observability;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> per family, one
/// line per sample, label values escaped (backslash, double quote, line feed), help escaped (backslash, line feed).
/// </summary>
internal sealed class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(4096);

    public void Header(string name, string help, MetricType type)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
    }

    public void Sample(string name, string? suffix, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, string? extraName, string? extraValue, long value)
    {
        Series(name, suffix, labelNames, labelValues, extraName, extraValue);
        _text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public void Sample(string name, string? suffix, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, string? extraName, string? extraValue, double value)
    {
        Series(name, suffix, labelNames, labelValues, extraName, extraValue);
        _text.Append(FormatDouble(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    /// <summary>A float as Prometheus reads it: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void Series(string name, string? suffix, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, string? extraName, string? extraValue)
    {
        _text.Append(name).Append(suffix);
        if (labelNames.Count == 0 && extraName is null)
        {
            _text.Append(' ');
            return;
        }

        _text.Append('{');
        for (var i = 0; i < labelNames.Count; i++)
        {
            Label(i > 0, labelNames[i], labelValues[i]);
        }

        if (extraName is not null)
        {
            Label(labelNames.Count > 0, extraName, extraValue!);
        }

        _text.Append("} ");
    }

    private void Label(bool comma, string name, string value)
    {
        if (comma)
        {
            _text.Append(',');
        }

        _text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append('"');
    }
}
