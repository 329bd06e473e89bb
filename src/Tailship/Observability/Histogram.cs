namespace Tailship.Observability;

/// <summary>
/// A distribution of observations (latencies, in seconds) in fixed cumulative buckets. Each observation is a
/// bucket search plus interlocked updates; no lock.
/// </summary>
public sealed class Histogram : Metric
{
    /// <summary>Buckets for durations from 5 ms to 60 s, suited to flushes and uploads.</summary>
    public static readonly IReadOnlyList<double> DefaultDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly double[] _bounds;
    private readonly long[] _counts; // Per bucket (not cumulative), the last one is +Inf.
    private long _sumBits;
    private long _count;

    internal Histogram(MetricFamily family, string[] labelValues, double[] bounds)
        : base(family, labelValues)
    {
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public long Count => Interlocked.Read(ref _count);

    public double Sum => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits));

    public void Observe(double value)
    {
        var i = Array.BinarySearch(_bounds, value);
        if (i < 0)
        {
            i = ~i;
        }

        Interlocked.Increment(ref _counts[i]);
        var current = Interlocked.Read(ref _sumBits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + value);
            var seen = Interlocked.CompareExchange(ref _sumBits, next, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        Interlocked.Increment(ref _count);
    }

    public void Observe(TimeSpan duration) => Observe(duration.TotalSeconds);

    internal override void WriteSamples(PrometheusTextWriter writer)
    {
        long cumulative = 0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            writer.Sample(Family.Name, "_bucket", Family.LabelNames, LabelValues, "le", PrometheusTextWriter.FormatDouble(_bounds[i]), cumulative);
        }

        cumulative += Interlocked.Read(ref _counts[^1]);
        writer.Sample(Family.Name, "_bucket", Family.LabelNames, LabelValues, "le", "+Inf", cumulative);
        writer.Sample(Family.Name, "_sum", Family.LabelNames, LabelValues, null, null, Sum);

        // The +Inf bucket is the count written in the same pass, so _count never disagrees with it in one scrape.
        writer.Sample(Family.Name, "_count", Family.LabelNames, LabelValues, null, null, cumulative);
    }
}
