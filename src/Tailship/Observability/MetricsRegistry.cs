using System.Collections.Concurrent;

namespace Tailship.Observability;

/// <summary>
/// The agent's metrics: families by name, the per-plugin handles the monitor API lists, and the readiness checks.
/// One registry per pipeline (no static state); the HTTP endpoints read it, plugins write it.
/// </summary>
/// <remarks>
/// Registration (getting a handle) takes a dictionary lookup and may allocate; do it when a plugin is built.
/// Updating a handle afterwards is lock-free.
/// </remarks>
public sealed class MetricsRegistry
{
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PluginMetrics> _plugins = new(StringComparer.Ordinal);
    private readonly List<PluginMetrics> _pluginOrder = [];
    private readonly Lock _pluginOrderLock = new();
    private readonly ConcurrentDictionary<System.Net.IPEndPoint, byte> _listening = new();

    public MetricsRegistry(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
    }

    public TimeProvider Time { get; }

    /// <summary>Checks behind <c>/readyz</c>.</summary>
    public ReadinessRegistry Readiness { get; } = new();

    /// <summary>
    /// Whether per-file series (a <c>path</c> label) are exported, e.g. the tail lag of each file. Off by default:
    /// one series per file is unbounded cardinality on a node with many containers.
    /// </summary>
    public bool PerFileMetrics { get; set; }

    /// <summary>Addresses where an <see cref="ObservabilityServer"/> over this registry listens now (for logs and tests).</summary>
    public IReadOnlyList<System.Net.IPEndPoint> ListeningOn => [.. _listening.Keys];

    internal void AddListener(System.Net.IPEndPoint endpoint) => _listening[endpoint] = 0;

    internal void RemoveListener(System.Net.IPEndPoint endpoint) => _listening.TryRemove(endpoint, out _);

    /// <summary>The plugins in the order they registered (the pipeline registers them in config order).</summary>
    public IReadOnlyList<PluginMetrics> Plugins
    {
        get
        {
            lock (_pluginOrderLock)
            {
                return [.. _pluginOrder];
            }
        }
    }

    public Counter Counter(string name, string help, params (string Name, string Value)[] labels) =>
        Family(name, help, MetricType.Counter, labels, null).GetOrAdd<Counter>(Values(labels), null);

    public Gauge Gauge(string name, string help, params (string Name, string Value)[] labels) =>
        Family(name, help, MetricType.Gauge, labels, null).GetOrAdd<Gauge>(Values(labels), null);

    /// <summary>A gauge whose value is read from <paramref name="observe"/> at each scrape (it must be cheap and not throw).</summary>
    public Gauge ObservedGauge(string name, string help, Func<double> observe, params (string Name, string Value)[] labels) =>
        Family(name, help, MetricType.Gauge, labels, null).GetOrAdd<Gauge>(Values(labels), observe);

    /// <summary>A histogram; <paramref name="buckets"/> are upper bounds in increasing order (null: <see cref="Observability.Histogram.DefaultDurationBuckets"/>).</summary>
    public Histogram Histogram(string name, string help, IReadOnlyList<double>? buckets, params (string Name, string Value)[] labels) =>
        Family(name, help, MetricType.Histogram, labels, buckets ?? Observability.Histogram.DefaultDurationBuckets).GetOrAdd<Histogram>(Values(labels), null);

    /// <summary>Removes one series of a family (a file no longer watched); false when it did not exist.</summary>
    public bool Remove(string name, params (string Name, string Value)[] labels) =>
        _families.TryGetValue(name, out var family) && family.Remove(Values(labels));

    /// <summary>
    /// The metrics handle of a plugin, created on first use. <paramref name="category"/> (input, output, filter) is
    /// set by the pipeline when it registers the plugin; a plugin asking for its handle passes null.
    /// </summary>
    public PluginMetrics ForPlugin(string pluginId, string type, string? category = null)
    {
        PluginMetrics? metrics;
        lock (_pluginOrderLock)
        {
            // Under the lock so that a plugin is listed once; reads (FindPlugin) stay lock-free.
            if (!_plugins.TryGetValue(pluginId, out metrics))
            {
                metrics = new PluginMetrics(this, pluginId, type, category ?? "unknown");
                _plugins[pluginId] = metrics;
                _pluginOrder.Add(metrics);
            }
        }

        if (category is not null)
        {
            metrics.Category = category;
        }

        return metrics;
    }

    /// <summary>The plugin registered as <paramref name="pluginId"/>, or null.</summary>
    public PluginMetrics? FindPlugin(string pluginId) => _plugins.GetValueOrDefault(pluginId);

    /// <summary>Every family in the text exposition format 0.0.4, sorted by name.</summary>
    public string WriteText()
    {
        var writer = new PrometheusTextWriter();
        WriteTo(writer);
        return writer.ToString();
    }

    internal void WriteTo(PrometheusTextWriter writer)
    {
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Write(writer);
        }
    }

    private MetricFamily Family(string name, string help, MetricType type, (string Name, string Value)[] labels, IReadOnlyList<double>? buckets)
    {
        if (_families.TryGetValue(name, out var existing))
        {
            Check(existing, type, labels);
            return existing;
        }

        MetricNames.ThrowIfInvalid(name, labels, type);
        var family = _families.GetOrAdd(name, _ => new MetricFamily(name, help, type, [.. labels.Select(l => l.Name)], [.. buckets ?? []]));
        Check(family, type, labels);
        return family;
    }

    private static void Check(MetricFamily family, MetricType type, (string Name, string Value)[] labels)
    {
        if (family.Type != type || family.LabelNames.Count != labels.Length || !family.LabelNames.SequenceEqual(labels.Select(l => l.Name), StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"metric {family.Name} is registered as a {family.Type} with labels [{string.Join(", ", family.LabelNames)}]; "
                + $"asked for a {type} with labels [{string.Join(", ", labels.Select(l => l.Name))}]");
        }
    }

    private static string[] Values((string Name, string Value)[] labels)
    {
        var values = new string[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            values[i] = labels[i].Value;
        }

        return values;
    }
}
