namespace Tailship.Observability;

/// <summary>A value that goes up and down, stored as the bits of a double so that reads and writes are lock-free.</summary>
public sealed class Gauge : Metric
{
    private readonly Func<double>? _observe;
    private long _bits;

    internal Gauge(MetricFamily family, string[] labelValues, Func<double>? observe)
        : base(family, labelValues)
    {
        _observe = observe;
    }

    /// <summary>The current value; for an observed gauge, the callback's answer now.</summary>
    public double Value => _observe?.Invoke() ?? BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

    public void Set(double value)
    {
        ThrowIfObserved();
        Interlocked.Exchange(ref _bits, BitConverter.DoubleToInt64Bits(value));
    }

    public void Add(double amount)
    {
        ThrowIfObserved();
        var current = Interlocked.Read(ref _bits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + amount);
            var seen = Interlocked.CompareExchange(ref _bits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public void Increment() => Add(1);

    public void Decrement() => Add(-1);

    internal override void WriteSamples(PrometheusTextWriter writer) => writer.Sample(Family.Name, null, Family.LabelNames, LabelValues, null, null, Value);

    private void ThrowIfObserved()
    {
        if (_observe is not null)
        {
            throw new InvalidOperationException($"gauge {Family.Name} is observed through a callback and cannot be set");
        }
    }
}
