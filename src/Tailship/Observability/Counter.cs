namespace Tailship.Observability;

/// <summary>A monotonic integer count. Increments are one interlocked add: safe and cheap on hot paths.</summary>
public sealed class Counter : Metric
{
    private long _value;

    internal Counter(MetricFamily family, string[] labelValues)
        : base(family, labelValues)
    {
    }

    public long Value => Interlocked.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount)
    {
        // A counter that goes down breaks rate(); a negative amount is a caller bug.
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Interlocked.Add(ref _value, amount);
    }

    internal override void WriteSamples(PrometheusTextWriter writer) => writer.Sample(Family.Name, null, Family.LabelNames, LabelValues, null, null, Value);
}
