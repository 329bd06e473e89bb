using System.Collections.Concurrent;

namespace Tailship.Observability;

/// <summary>
/// All time series of one metric name: its help, type and label names, and one child per set of label values.
/// A child is created once (when a plugin is built) and then updated without any lookup.
/// </summary>
public sealed class MetricFamily
{
    private readonly ConcurrentDictionary<string, Metric> _children = new(StringComparer.Ordinal);
    private readonly double[] _buckets;

    internal MetricFamily(string name, string help, MetricType type, string[] labelNames, double[] buckets)
    {
        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
        _buckets = buckets;
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    internal int ChildCount => _children.Count;

    internal T GetOrAdd<T>(string[] labelValues, Func<double>? observe)
        where T : Metric
    {
        // U+0000 cannot be typed in a config value, so it cannot make two label sets collide.
        var key = string.Join('\0', labelValues);
        var child = _children.GetOrAdd(key, _ => Type switch
        {
            MetricType.Counter => new Counter(this, labelValues),
            MetricType.Gauge => new Gauge(this, labelValues, observe),
            _ => new Histogram(this, labelValues, _buckets),
        });
        return child as T ?? throw new InvalidOperationException($"metric {Name} is a {Type}, not a {typeof(T).Name}");
    }

    /// <summary>Drops a series (e.g. the lag of a file no longer watched).</summary>
    internal bool Remove(string[] labelValues) => _children.TryRemove(string.Join('\0', labelValues), out _);

    internal void Write(PrometheusTextWriter writer)
    {
        if (_children.IsEmpty)
        {
            return;
        }

        writer.Header(Name, Help, Type);

        // Sorted by label values so that a scrape is deterministic (and golden-testable).
        foreach (var child in _children.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            child.Value.WriteSamples(writer);
        }
    }
}
