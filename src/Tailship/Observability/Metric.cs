namespace Tailship.Observability;

/// <summary>One time series of a family: the label values fixed when it was created, and how it renders.</summary>
public abstract class Metric
{
    private protected Metric(MetricFamily family, string[] labelValues)
    {
        Family = family;
        LabelValues = labelValues;
    }

    public MetricFamily Family { get; }

    /// <summary>Values of <see cref="MetricFamily.LabelNames"/>, in the same order.</summary>
    public IReadOnlyList<string> LabelValues { get; }

    internal abstract void WriteSamples(PrometheusTextWriter writer);
}
